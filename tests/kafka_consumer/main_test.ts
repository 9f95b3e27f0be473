/**
 * The Kafka consumer as users run it (a process, `src/kafka_consumer/main.ts`), against the mock broker:
 * kcat produces, the consumer's /metrics answers, a real Prometheus scrapes it; with the broker down it
 * keeps serving the last good batch, and reads again when the broker is back.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { KafkaStorage } from "../../src/storages/kafka/mod.ts";
import { metric } from "../../src/metrics/mod.ts";
import { startKafkaMock } from "../helpers/kafka_mock.ts";
import { assertPromtoolParses, kcatProduce, kcatProduceKeyed } from "../helpers/kcat.ts";
import { PrometheusServer } from "../helpers/prometheus_server.ts";

const MAIN = fileURLToPath(new URL("../../src/kafka_consumer/main.ts", import.meta.url));

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

class ConsumerProcess {
  readonly url: string;
  readonly #child: Deno.ChildProcess;
  log = "";
  readonly #reading: Promise<void>;

  constructor(bootstrap: string, topic: string, port: number, extra: readonly string[] = []) {
    this.url = `http://127.0.0.1:${port}/metrics`;
    const child = this.#child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        MAIN,
        "--brokers",
        bootstrap,
        "--topic",
        topic,
        "--listen",
        `127.0.0.1:${port}`,
        ...extra,
      ],
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    this.#reading = (async () => {
      for await (const text of child.stderr.pipeThrough(new TextDecoderStream())) this.log += text;
    })();
  }

  async waitForLog(pattern: RegExp, ms = 30_000): Promise<void> {
    const deadline = performance.now() + ms;
    while (!pattern.test(this.log)) {
      if (performance.now() > deadline) throw new Error(`no ${pattern} in the consumer's log:\n${this.log}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Polls /metrics until its body satisfies `accept`. */
  async waitForBody(accept: (body: string) => boolean, ms = 30_000): Promise<string> {
    const deadline = performance.now() + ms;
    let last = "";
    while (performance.now() < deadline) {
      const response = await fetch(this.url).catch(() => undefined);
      last = `${response?.status} ${await response?.text()}`;
      if (response?.status === 200 && accept(last.slice(4))) return last.slice(4);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`/metrics never matched; last answer: ${last}\n${this.log}`);
  }

  async stop(): Promise<number> {
    this.#child.kill("SIGTERM");
    const { code } = await this.#child.status;
    await this.#reading;
    return code;
  }
}

Deno.test("kafka consumer: serves kcat's latest message, to a real Prometheus too, and keeps it while the broker is down", async () => {
  await using broker = await startKafkaMock();
  await broker.createTopic("owca_metrics");
  const consumer = new ConsumerProcess(broker.bootstrap, "owca_metrics", freePort());
  try {
    const before = await fetch(consumer.url).catch(() => undefined);
    if (before) {
      assert.equal(before.status, 503, "no message yet");
      await before.body?.cancel();
    }
    await consumer.waitForLog(/joined the group/);
    const now = Date.now();
    const first = `# HELP wca_tasks Tasks.\n# TYPE wca_tasks gauge\nwca_tasks{host="h1"} 3 ${now}\n`;
    await kcatProduce(broker.bootstrap, "owca_metrics", first);
    assert.equal(await consumer.waitForBody((body) => body.includes("wca_tasks")), first);

    await using prometheus = await PrometheusServer.start(new URL(consumer.url).host, "kafka");
    const scraped = await prometheus.waitFor("wca_tasks in Prometheus", async () => {
      const result = await prometheus.query('wca_tasks{host="h1"}');
      return result.length ? result : undefined;
    });
    assert.equal(scraped[0]!.value[1], "3");
    assert.equal(scraped[0]!.metric.job, "kafka");

    // The broker goes away: the last good batch stays served.
    await broker.down();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(await consumer.waitForBody(() => true), first);
    await broker.up();

    // Back: KafkaStorage's split batch (parts joined again) replaces it.
    const storage = new KafkaStorage({
      topic: "owca_metrics",
      brokers_ips: [broker.bootstrap],
      max_message_bytes: 1024,
    });
    const batch = Array.from(
      { length: 40 },
      (_, i) => metric("task_up", 1, { host: "h1", task_id: `task-${i}` }),
    );
    batch.push(metric("wca_tasks", 40, { host: "h1" }));
    try {
      await storage.store(batch);
    } finally {
      await storage.close();
    }
    const joined = await consumer.waitForBody((body) => body.includes('wca_tasks{host="h1"} 40'), 60_000);
    assert.equal(joined.split("\n").filter((l) => l.startsWith("task_up{")).length, 40);
    assert.equal(joined.split("\n").filter((l) => l.startsWith("# TYPE task_up ")).length, 1);
    await prometheus.waitFor("wca_tasks to become 40", async () => {
      const result = await prometheus.query('wca_tasks{host="h1"}');
      return result[0]?.value[1] === "40" || undefined;
    });
  } finally {
    const code = await consumer.stop();
    assert.equal(code, 0, consumer.log);
  }
  assert.doesNotMatch(consumer.log, /ERROR/);
});

Deno.test("kafka consumer: a bad producer's messages are refused, once per streak, and every scrape stays Prometheus text", async () => {
  await using broker = await startKafkaMock();
  await broker.createTopic("mixed", 1);
  const consumer = new ConsumerProcess(broker.bootstrap, "mixed", freePort(), [
    "-l",
    "wca.kafka_consumer:debug",
  ]);
  const scraped = new Set<string>();
  let scraping = true;
  const scraper = (async () => {
    while (scraping) {
      const response = await fetch(consumer.url).catch(() => undefined);
      const body = await response?.text();
      if (response?.status === 200 && body !== undefined) scraped.add(body);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  const good = (n: number) => `# HELP wca_tasks Tasks.\n# TYPE wca_tasks gauge\nwca_tasks{host="h1"} ${n}\n`;
  const served = (n: number) => consumer.waitForBody((body) => body === good(n));
  try {
    await consumer.waitForLog(/joined the group/);
    await kcatProduce(broker.bootstrap, "mixed", good(1)); // offset 0
    await served(1);
    await kcatProduce(broker.bootstrap, "mixed", "hello world\n"); // 1
    await consumer.waitForLog(
      /WARNING .*partition 0 offset 1: refused, not Prometheus text: line 1: expected a float as value, got "world"; keeping the last good batch \(further refusals are not logged until a good batch comes\)/,
    );
    await kcatProduceKeyed(broker.bootstrap, "mixed", "k", null); // 2
    await consumer.waitForLog(/DEBUG .*partition 0 offset 2: refused, it has no value \(null\)/);
    await kcatProduceKeyed(broker.bootstrap, "mixed", "k", ""); // 3
    await consumer.waitForLog(/DEBUG .*partition 0 offset 3: refused, it is empty/);
    await served(1);
    await kcatProduce(broker.bootstrap, "mixed", good(2)); // 4
    await consumer.waitForLog(
      /INFO .*partition 0 offset 4: serving a good batch again, after 3 refused message\(s\)/,
    );
    await served(2);
    await kcatProduceKeyed(broker.bootstrap, "mixed", "k", null); // 5: a new streak
    await consumer.waitForLog(/WARNING .*partition 0 offset 5: refused, it has no value \(null\)/);
    await kcatProduce(broker.bootstrap, "mixed", "hello world"); // 6
    await consumer.waitForLog(/DEBUG .*partition 0 offset 6: refused/);
    await served(2);
    await kcatProduce(broker.bootstrap, "mixed", good(3)); // 7
    await served(3);
  } finally {
    scraping = false;
    await scraper;
    assert.equal(await consumer.stop(), 0, consumer.log);
  }
  // The scraper polls on its own: it sees the batches served for seconds (1 and 2), maybe not the last one.
  const goods = [good(1), good(2), good(3)];
  assert.ok([...scraped].every((body) => goods.includes(body)), `only good batches: ${[...scraped]}`);
  assert.ok(scraped.has(good(1)) && scraped.has(good(2)), [...scraped].join("\n"));
  for (const body of scraped) await assertPromtoolParses(body);
  const refusalWarnings = consumer.log.split("\n").filter((line) => / WARNING .*refused/.test(line));
  assert.equal(refusalWarnings.length, 2, consumer.log);
});

Deno.test("kafka consumer: usage errors exit 2 with the reason", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "--brokers", "nohost", "--topic", "t"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(output.code, 2);
  assert.match(new TextDecoder().decode(output.stderr), /--brokers: 'nohost' is not host:port/);
});
