/**
 * An external storage that POSTs each batch as JSON to an HTTP endpoint (the original WCA's `HTTPStorage`
 * example, under the same name, so WCA's `-r …:HTTPStorage` and `!HTTPStorage` work unchanged).
 *
 *   npx -y deno@2.9.6 task wca -- -c configs/extending/measurement_http_storage.yaml -r examples/http_storage.ts --root \
 *     -l example.http_storage:info
 *
 * `register` marks the class, so `-r examples/http_storage.ts` needs no `:HTTPStorage`; it registers both
 * `!HTTPStorage` and the older spelling `!HttpStorage`.
 */
import { getLogger, type Metric, number, params, register, url, type z } from "../src/mod.ts";

const log = getLogger("example.http_storage");

const schema = params({
  http_endpoint: url(["http", "https"]).default("http://127.0.0.1:8000"),
  timeout: number(0.001, 60).default(1),
});

@register
export class HTTPStorage {
  static readonly schema = schema;
  readonly #options: z.infer<typeof schema>;

  constructor(options: z.infer<typeof schema>) {
    this.#options = options;
  }

  async store(metrics: readonly Metric[]): Promise<void> {
    log.info("sending!");
    const body = JSON.stringify(Object.fromEntries(metrics.map((m) => [m.name, m.value])));
    try {
      const response = await fetch(this.#options.http_endpoint, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        signal: AbortSignal.timeout(this.#options.timeout * 1000),
      });
      await response.body?.cancel();
      if (!response.ok) log.warning(`${this.#options.http_endpoint} answered ${response.status}`);
    } catch (error) {
      log.warning(`sending to ${this.#options.http_endpoint} failed: ${(error as Error).message}`);
    }
  }
}

/** The name this example had before it took WCA's; `!HttpStorage` configs keep loading. */
export { HTTPStorage as HttpStorage };
