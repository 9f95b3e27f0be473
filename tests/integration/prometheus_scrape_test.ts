/**
 * A real Prometheus server (Debian package `prometheus`) scrapes HTTPMetricsStorage on loopback, and its
 * query API must return our series with our values and labels. A missing Prometheus fails the test: a
 * green run must mean a real scraper read us. Prometheus asks for OpenMetrics first, so the scrape is
 * OpenMetrics; the metadata Prometheus keeps (family names and types) shows it was.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { encodeMetrics, type Metric, metric } from "../../src/metrics/mod.ts";
import { HTTPMetricsStorage } from "../../src/storages/http_storage.ts";
import { spawnPrometheus } from "../helpers/prometheus_server.ts";
import { realisticBatch } from "../metrics/sample_batch.ts";

const PROMETHEUS = "/usr/bin/prometheus";
const JOB = "wca";
/** Prometheus starts in ~0.2 s and scrapes every second here; 30 s leaves room for a loaded CI host. */
const DEADLINE_MS = 30_000;

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/** A port that was free a moment ago: bind port 0, note it, let it go. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

function prometheusConfig(target: string): string {
  return [
    "global:",
    "  scrape_interval: 1s",
    "  scrape_timeout: 1s",
    "scrape_configs:",
    `  - job_name: ${JOB}`,
    "    static_configs:",
    `      - targets: ["${target}"]`,
    "",
  ].join("\n");
}

/** The batch: a few WCA metrics with distinctive values, plus a realistic rest that makes it gzip-sized. */
function wcaBatch(tasks: number): Metric[] {
  const ours = new Set(["wca_up", "wca_tasks", "task_cpu_usage_seconds", "wca_storage_write_errors_total"]);
  return [
    metric("wca_storage_write_errors_total", 2, {
      host: "it-host",
      storage: "LogStorage",
      output: "/x.prom",
    }),
    metric("wca_up", 1_700_000_000.25, { host: "it-host" }),
    metric("wca_tasks", tasks, { host: "it-host" }),
    metric("task_cpu_usage_seconds", 12.75, { host: "it-host", task_id: "task-1", task_name: "web" }),
    metric("task_cpu_usage_seconds", 0.5, { host: "it-host", task_id: "task-2", task_name: "batch" }),
    ...realisticBatch({ tasks: 2, cpus: 2 }).filter((m) => !ours.has(m.name)),
  ];
}

class PrometheusApi {
  readonly #base: string;
  constructor(base: string) {
    this.#base = base;
  }

  async ready(): Promise<boolean> {
    try {
      const response = await fetch(`${this.#base}/-/ready`);
      await response.body?.cancel();
      return response.ok;
    } catch {
      return false; // not listening yet
    }
  }

  async query(expression: string): Promise<Sample[]> {
    const response = await fetch(`${this.#base}/api/v1/query?query=${encodeURIComponent(expression)}`);
    const body = await response.json();
    assert.equal(body.status, "success", `query ${expression}: ${JSON.stringify(body)}`);
    return body.data.result as Sample[];
  }

  /** What Prometheus keeps of our TYPE lines: family name → type. */
  async metadata(): Promise<Record<string, string>> {
    const selector = encodeURIComponent(`{job="${JOB}"}`);
    const response = await fetch(`${this.#base}/api/v1/targets/metadata?match_target=${selector}`);
    const body = await response.json();
    assert.equal(body.status, "success", JSON.stringify(body));
    return Object.fromEntries(
      (body.data as { metric: string; type: string }[]).map((entry) => [entry.metric, entry.type]),
    );
  }

  /** The scrape target's health and last error, for failure messages. */
  async targets(): Promise<string> {
    const response = await fetch(`${this.#base}/api/v1/targets`);
    const body = await response.json();
    return JSON.stringify(
      body.data.activeTargets.map((t: Record<string, unknown>) => ({
        url: t.scrapeUrl,
        health: t.health,
        lastError: t.lastError,
      })),
    );
  }
}

/** Polls `probe` every 100 ms until it returns a value or the deadline passes. */
async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  explain: () => Promise<string>,
): Promise<T> {
  const deadline = performance.now() + DEADLINE_MS;
  while (performance.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Timed out after ${DEADLINE_MS / 1000} s waiting for ${what}. ${await explain()}`);
}

Deno.test("a real Prometheus scrapes HTTPMetricsStorage", async () => {
  try {
    await Deno.stat(PROMETHEUS);
  } catch {
    throw new Error(
      `${PROMETHEUS} not found: install the Debian package prometheus (apt-get install prometheus); ` +
        "deno task test installs it when run as root",
    );
  }
  const dir = await Deno.makeTempDir({ prefix: "wca-prometheus-" });
  const storage = new HTTPMetricsStorage({ listen: "127.0.0.1:9192" }, undefined, { port: 0 });
  let prometheus: Deno.ChildProcess | undefined;
  let log: Promise<string> = Promise.resolve("");
  try {
    const target = `127.0.0.1:${storage.address.port}`;
    await Deno.writeTextFile(join(dir, "prometheus.yml"), prometheusConfig(target));
    const web = `127.0.0.1:${freePort()}`;
    const api = new PrometheusApi(`http://${web}`);
    const started = performance.now();
    prometheus = spawnPrometheus(dir, web);
    log = new Response(prometheus.stderr).text();
    const explain = async () =>
      `Prometheus targets: ${await api.targets().catch((e) => String(e))}\n` +
      "(its log is printed below when the test fails)";
    await waitFor(
      "Prometheus to be ready",
      async () => (await api.ready()) || undefined,
      () => Promise.resolve(`Is ${web} taken?`),
    );
    const ready = performance.now();

    const batch = wcaBatch(3);
    // Prometheus always asks for gzip; a batch above 1 KiB makes it get the compressed body.
    assert.ok(encodeMetrics(batch, { timestamps: false }).length > 1024);
    storage.store(batch);
    const stored = performance.now();
    const tasks = await waitFor("wca_tasks in Prometheus", async () => {
      const result = await api.query("wca_tasks");
      return result.length ? result : undefined;
    }, explain);
    const seen = performance.now();

    assert.equal(tasks.length, 1);
    assert.deepEqual(tasks[0]!.metric, {
      __name__: "wca_tasks",
      host: "it-host",
      instance: target,
      job: JOB,
    });
    assert.equal(tasks[0]!.value[1], "3");

    const up = await api.query(`up{job="${JOB}"} == 1`);
    assert.equal(up.length, 1, `up{job="${JOB}"} is not 1: ${await api.targets()}`);
    assert.equal(up[0]!.metric.instance, target);

    const cpu = await api.query('task_cpu_usage_seconds{host="it-host"}');
    const byTask = Object.fromEntries(cpu.map((s) => [s.metric.task_id, s]));
    assert.equal(byTask["task-1"]?.value[1], "12.75");
    assert.equal(byTask["task-1"]?.metric.task_name, "web");
    assert.equal(byTask["task-2"]?.value[1], "0.5");
    assert.equal((await api.query("wca_up"))[0]?.value[1], "1700000000.25");

    // OpenMetrics was negotiated: the counter family is declared without _total (the text format would
    // have declared wca_storage_write_errors_total), and WCA's counters named without _total keep their
    // series names as `unknown` families.
    const errors = await api.query("wca_storage_write_errors_total");
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.value[1], "2");
    assert.deepEqual(errors[0]!.metric, {
      __name__: "wca_storage_write_errors_total",
      host: "it-host",
      instance: target,
      job: JOB,
      output: "/x.prom",
      storage: "LogStorage",
    });
    const metadata = await api.metadata();
    assert.equal(metadata["wca_storage_write_errors"], "counter", JSON.stringify(metadata));
    assert.equal(metadata["wca_storage_write_errors_total"], undefined);
    assert.equal(metadata["task_cpu_usage_seconds"], "unknown");
    assert.equal(metadata["wca_tasks"], "gauge");

    const scraped = await api.query(`scrape_samples_scraped{job="${JOB}"}`);
    assert.equal(scraped[0]?.value[1], String(batch.length), "every sample of the batch was ingested");

    // The next batch replaces the first at the next scrape.
    const restored = performance.now();
    storage.store(wcaBatch(7));
    await waitFor("wca_tasks to become 7", async () => {
      const result = await api.query("wca_tasks");
      return result[0]?.value[1] === "7" ? true : undefined;
    }, explain);
    // Prometheus hands new targets to its scrapers at most every 5 s, so the first scrape dominates.
    console.log(
      `Prometheus ready ${(ready - started).toFixed(0)} ms after spawn; first batch queryable ` +
        `${(seen - stored).toFixed(0)} ms after store() (${(seen - started).toFixed(0)} ms after spawn); ` +
        `next batch ${(performance.now() - restored).toFixed(0)} ms after store()`,
    );

    // Closing while Prometheus holds a keep-alive connection must not hang, and must be seen as down.
    const closing = performance.now();
    await storage.close();
    assert.ok(performance.now() - closing < 5_000, "close() returned promptly");
    await waitFor(`up{job="${JOB}"} == 0 after close`, async () => {
      const result = await api.query(`up{job="${JOB}"}`);
      return result[0]?.value[1] === "0" ? true : undefined;
    }, explain);
  } catch (error) {
    if (prometheus) {
      prometheus.kill("SIGTERM");
      await prometheus.status;
      prometheus = undefined;
      console.error(`--- Prometheus log ---\n${await log}`);
    }
    throw error;
  } finally {
    if (prometheus) {
      prometheus.kill("SIGTERM");
      await prometheus.status;
      await log;
    }
    await storage.close();
    await Deno.remove(dir, { recursive: true });
  }
});
