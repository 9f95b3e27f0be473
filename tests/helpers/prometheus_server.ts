/**
 * A real Prometheus (Debian package prometheus) scraping one target every second, in a private temp dir on
 * a free port. `query()` returns the instant vector of a PromQL expression.
 */
import { join } from "node:path";
import { spawnTool } from "../metrics/peer_tools.ts";

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** Prometheus with the prometheus.yml in `dir`, its data under `dir`, its API on `web` (host:port). */
export function spawnPrometheus(dir: string, web: string): Deno.ChildProcess {
  return spawnTool("/usr/bin/prometheus", "prometheus", {
    args: [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=${web}`,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  });
}

export class PrometheusServer {
  readonly #child: Deno.ChildProcess;
  readonly #dir: string;
  readonly #base: string;
  readonly #log: Promise<string>;

  private constructor(child: Deno.ChildProcess, dir: string, base: string) {
    this.#child = child;
    this.#dir = dir;
    this.#base = base;
    this.#log = new Response(child.stderr).text();
  }

  /** Starts Prometheus scraping `target` (host:port, or several) as job `job`, and waits until it is ready. */
  static async start(target: string | readonly string[], job: string): Promise<PrometheusServer> {
    const dir = await Deno.makeTempDir({ prefix: "wca-prometheus-" });
    const targets = (typeof target === "string" ? [target] : target).map((t) => `"${t}"`).join(", ");
    const config = `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n` +
      `  - job_name: ${job}\n    static_configs:\n      - targets: [${targets}]\n`;
    await Deno.writeTextFile(join(dir, "prometheus.yml"), config);
    const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const web = `127.0.0.1:${(probe.addr as Deno.NetAddr).port}`;
    probe.close();
    const child = spawnPrometheus(dir, web);
    const server = new PrometheusServer(child, dir, `http://${web}`);
    await server.waitFor("Prometheus to be ready", async () => {
      const response = await fetch(`${server.#base}/-/ready`).catch(() => undefined);
      await response?.body?.cancel();
      return response?.ok || undefined;
    });
    return server;
  }

  async query(expression: string): Promise<PromSample[]> {
    const response = await fetch(`${this.#base}/api/v1/query?query=${encodeURIComponent(expression)}`);
    const body = await response.json();
    if (body.status !== "success") throw new Error(`query ${expression}: ${JSON.stringify(body)}`);
    return body.data.result as PromSample[];
  }

  /** The values of `label` on the series `match` selects (what Grafana's label_values() asks). */
  async labelValues(label: string, match: string): Promise<string[]> {
    const url = `${this.#base}/api/v1/label/${label}/values?match[]=${encodeURIComponent(match)}`;
    const body = await (await fetch(url)).json();
    if (body.status !== "success") {
      throw new Error(`label values ${label} of ${match}: ${JSON.stringify(body)}`);
    }
    return body.data as string[];
  }

  /** Polls `probe` every 100 ms until it returns a value; fails with Prometheus' log after `ms`. */
  async waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
    const deadline = performance.now() + ms;
    while (performance.now() < deadline) {
      const value = await probe();
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const targets = await fetch(`${this.#base}/api/v1/targets`).then((r) => r.text()).catch(String);
    throw new Error(`timed out waiting for ${what}; targets: ${targets}`);
  }

  async stop(): Promise<void> {
    this.#child.kill("SIGTERM");
    await this.#child.status;
    await this.#log;
    await Deno.remove(this.#dir, { recursive: true });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
