/**
 * KafkaStorage against a real Kafka-protocol broker (librdkafka's mock cluster, tests/helpers/kafka_mock.c),
 * read back with kcat (an independent client) and checked with `promtool check metrics`.
 */
import assert from "node:assert/strict";
import { encodeMetrics, type Metric, metric } from "../../../src/metrics/mod.ts";
import { KafkaStorage } from "../../../src/storages/kafka/mod.ts";
import { startKafkaMock } from "../../helpers/kafka_mock.ts";
import { assertPromtoolParses, kcatReadAll } from "../../helpers/kcat.ts";
import { captureLogLines } from "../../helpers/log_capture.ts";
import { realisticBatch } from "../../metrics/sample_batch.ts";
import { storageContract } from "../contract.ts";

const NOW = 1_700_000_000_000;

/** A batch that names itself: `wca_tasks` carries `index`, three digits so every batch has the same size. */
function numbered(index: number): Metric[] {
  return [
    metric("wca_tasks", 100 + index, { host: "it" }),
    ...realisticBatch({ tasks: 3, cpus: 2, host: "it" }).filter((m) => m.name !== "wca_tasks"),
  ];
}

function indexOf(payload: string): number {
  const match = /^wca_tasks\{host="it"\} (\d+) /m.exec(payload);
  assert.ok(match, `no wca_tasks in ${payload.slice(0, 200)}`);
  return Number(match[1]) - 100;
}

async function waitUntil(what: string, condition: () => boolean, ms = 30_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function dropped(storage: KafkaStorage): number {
  return storage.healthMetrics()[0]!.value;
}

storageContract("KafkaStorage to a mock broker", async () => {
  const broker = await startKafkaMock();
  await broker.createTopic("contract");
  return {
    storage: new KafkaStorage({ topic: "contract", brokers_ips: [broker.bootstrap] }),
    dispose: () => broker.close(),
  };
});

Deno.test("KafkaStorage: every batch arrives as Prometheus text with timestamps, keyed by host", async () => {
  await using broker = await startKafkaMock();
  await broker.createTopic("wca_metrics");
  const storage = new KafkaStorage(
    { topic: "wca_metrics", brokers_ips: [broker.bootstrap], max_timeout_in_seconds: 5 },
    undefined,
    { now: () => NOW, hostname: "it-host" },
  );
  try {
    await storage.store(numbered(1));
    await storage.store(numbered(2));
    assert.equal(storage.buffered.batches, 0, "acknowledged within max_timeout_in_seconds");
  } finally {
    await storage.close();
  }
  const messages = await kcatReadAll(broker.bootstrap, "wca_metrics");
  assert.deepEqual(messages.map((m) => indexOf(m.payload)), [1, 2]);
  for (const [i, message] of messages.entries()) {
    assert.equal(message.payload, encodeMetrics(numbered(i + 1), { timestamps: true, now: NOW }));
    assert.equal(message.key, "it-host");
    assert.equal(message.headers["wca-part"], "1/1");
    assert.match(message.headers["wca-batch"] ?? "", /^[0-9a-f]{8}-\d+$/);
    await assertPromtoolParses(message.payload);
  }
});

Deno.test("KafkaStorage: a batch above max_message_bytes is split at families; each part parses alone", async () => {
  await using broker = await startKafkaMock();
  await broker.createTopic("split");
  const batch = realisticBatch({ tasks: 20, cpus: 4, host: "it" });
  const storage = new KafkaStorage(
    { topic: "split", brokers_ips: [broker.bootstrap], max_message_bytes: 8192, compression: "gzip" },
    undefined,
    { now: () => NOW },
  );
  try {
    await storage.store(batch);
    await waitUntil("delivery", () => storage.buffered.batches === 0);
  } finally {
    await storage.close();
  }
  const messages = await kcatReadAll(broker.bootstrap, "split");
  assert.ok(messages.length > 3, `${messages.length} messages`);
  const samples = new Set<string>();
  for (const [i, message] of messages.entries()) {
    assert.equal(message.headers["wca-part"], `${i + 1}/${messages.length}`);
    assert.ok(new TextEncoder().encode(message.payload).length <= 8192);
    await assertPromtoolParses(message.payload);
    for (const line of message.payload.split("\n")) if (line && !line.startsWith("#")) samples.add(line);
  }
  const expected = encodeMetrics(batch, { timestamps: true, now: NOW }).split("\n").filter((l) =>
    l && !l.startsWith("#")
  );
  assert.equal(samples.size, expected.length);
  assert.deepEqual([...samples].sort(), expected.sort());
});

Deno.test("KafkaStorage: broker down mid-run: the interval is kept, the buffer arrives in order, overflow is counted exactly", async () => {
  await using broker = await startKafkaMock();
  await broker.createTopic("outage");
  const batchBytes =
    new TextEncoder().encode(encodeMetrics(numbered(0), { timestamps: true, now: NOW })).length;
  const samplesPerBatch = numbered(0).length;
  const fits = 4;
  const maxTimeoutMs = 500;
  const storage = new KafkaStorage(
    {
      topic: "outage",
      brokers_ips: [broker.bootstrap],
      max_timeout_in_seconds: maxTimeoutMs / 1000,
      buffer_max_bytes: batchBytes * fits + batchBytes / 2,
      extra_config: { "reconnect.backoff.ms": 200, "reconnect.backoff.max.ms": 500 },
    },
    undefined,
    { now: () => NOW },
  );
  const stored = 12;
  try {
    const { lines } = await captureLogLines(async () => {
      await storage.store(numbered(0));
      assert.equal(storage.buffered.batches, 0, "the first batch went out while the broker was up");
      await broker.down();
      for (let i = 1; i <= stored; i++) {
        const t0 = performance.now();
        await storage.store(numbered(i));
        // The runner's interval is kept: store() gives up waiting after max_timeout_in_seconds.
        const took = performance.now() - t0;
        assert.ok(took < maxTimeoutMs + 2000, `store() took ${took.toFixed(0)} ms during the outage`);
      }
      assert.ok(storage.buffered.batches <= fits, `${storage.buffered.batches} batches buffered`);
      await broker.up();
      await waitUntil("the buffer to drain", () => storage.buffered.batches === 0);
    });
    const warnings = lines.filter((line) => / WARNING /.test(line));
    assert.equal(warnings.filter((l) => /unreachable/.test(l)).length, 1, lines.join("\n"));
    assert.equal(warnings.filter((l) => /buffer .* is full/.test(l)).length, 1, lines.join("\n"));
    assert.ok(
      lines.some((l) => /reachable again .* metrics \(\d+ batches\) were dropped/.test(l)),
      lines.join("\n"),
    );
  } finally {
    await storage.close();
  }
  const delivered = (await kcatReadAll(broker.bootstrap, "outage")).map((m) => indexOf(m.payload));
  assert.equal(delivered[0], 0);
  const afterOutage = delivered.slice(1);
  // Nothing inside the bound was lost: the buffer held `fits` batches, and all of them arrived, in order.
  assert.equal(afterOutage.length, fits, `delivered ${delivered}`);
  assert.deepEqual(afterOutage, [...afterOutage].sort((a, b) => a - b), "in order");
  assert.equal(afterOutage.at(-1), stored, "the newest batch is kept");
  assert.equal(new Set(delivered).size, delivered.length, "no duplicates");
  // Overflow is counted exactly: every batch that did not arrive, in samples.
  assert.equal(dropped(storage), (stored - fits) * samplesPerBatch);
});

Deno.test("KafkaStorage: shutdown during an outage is bounded and says what it could not deliver", async () => {
  await using broker = await startKafkaMock();
  await broker.createTopic("shutdown");
  const storage = new KafkaStorage({
    topic: "shutdown",
    brokers_ips: [broker.bootstrap],
    max_timeout_in_seconds: 0.2,
    close_timeout_in_seconds: 0.5,
  });
  await broker.down();
  await storage.store(numbered(1));
  await storage.store(numbered(2));
  const samples = storage.buffered.samples;
  assert.equal(storage.buffered.batches, 2);
  const { lines } = await captureLogLines(async () => {
    const t0 = performance.now();
    await storage.close();
    assert.ok(performance.now() - t0 < 5000, "close() is bounded");
  });
  assert.ok(
    lines.some((l) => l.includes(`${samples} metrics (2 batches) not delivered`)),
    lines.join("\n"),
  );
  assert.equal(dropped(storage), samples);
  await assert.rejects(() => Promise.resolve(storage.store(numbered(3))), /closed/);
});
