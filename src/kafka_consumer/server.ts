/**
 * The consumer's HTTP endpoint on the agent's BoundedHttpServer (same limits as HTTPMetricsStorage):
 * `/metrics` answers the latest complete batch as it came from Kafka (503 until the first), `/-/healthy`
 * and `/healthz` answer 200, other paths 404.
 */
import { getLogger } from "../logging/mod.ts";
import { type RequestHead, targetPath } from "../storages/http_head.ts";
import { BoundedHttpServer, DEFAULT_HTTP_LIMITS, type HttpResponse } from "../storages/http_server.ts";
import {
  Encoded,
  encodedResponse,
  HEALTH_PATHS,
  joinHostPort,
  ListenError,
  listenFailureReason,
  plainText as plain,
  PROMETHEUS_CONTENT_TYPE,
} from "../storages/http_storage.ts";

const log = getLogger("wca.kafka_consumer.http");

export class LatestMessageServer {
  readonly #server: BoundedHttpServer;
  #latest: Encoded | undefined;

  /** Binds at once: a taken port is a ListenError naming the address and why. */
  constructor(hostname: string, port: number) {
    try {
      this.#server = new BoundedHttpServer(
        { hostname, port },
        DEFAULT_HTTP_LIMITS,
        (head) => this.#handle(head),
        log,
      );
    } catch (error) {
      throw new ListenError(joinHostPort(hostname, port), listenFailureReason(error), { cause: error });
    }
  }

  get address(): Deno.NetAddr {
    return this.#server.addr;
  }

  /** Serves `text` from now on. */
  update(text: string): void {
    this.#latest = new Encoded(new TextEncoder().encode(text));
  }

  close(): Promise<void> {
    return this.#server.close();
  }

  #handle(head: RequestHead): HttpResponse | Promise<HttpResponse> {
    const path = targetPath(head.target);
    if (path !== undefined && HEALTH_PATHS.includes(path)) return plain(200, "OK\n");
    if (path !== "/metrics") return plain(404, "Not found; metrics are at /metrics\n");
    if (head.method !== "GET" && head.method !== "HEAD") {
      return plain(405, "Method not allowed; use GET or HEAD\n", { allow: "GET, HEAD" });
    }
    const latest = this.#latest;
    if (!latest) return plain(503, "No message from Kafka yet\n", { "retry-after": "5" });
    const headers = { "content-type": PROMETHEUS_CONTENT_TYPE, vary: "Accept-Encoding" };
    return encodedResponse(latest, headers, head.headers.get("accept-encoding"));
  }
}
