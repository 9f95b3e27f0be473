/**
 * The consumer's HTTP endpoint on the agent's BoundedHttpServer (same limits as HTTPMetricsStorage):
 * `/metrics` answers the latest complete batch as it came from Kafka (503 until the first), `/-/healthy`
 * and `/healthz` answer 200, other paths 404.
 */
import { getLogger } from "../logging/mod.ts";
import { targetPath } from "../storages/http_head.ts";
import { BoundedHttpServer, type HttpResponse } from "../storages/http_server.ts";
import {
  acceptsGzip,
  HEALTH_PATHS,
  ListenError,
  listenFailureReason,
  PROMETHEUS_CONTENT_TYPE,
} from "../storages/http_storage.ts";

const log = getLogger("wca.kafka_consumer.http");
const GZIP_MIN_BYTES = 1024;

function plain(status: number, body: string, headers: Record<string, string> = {}): HttpResponse {
  return { status, body, headers: { "content-type": "text/plain; charset=utf-8", ...headers } };
}

class Latest {
  readonly body: Uint8Array<ArrayBuffer>;
  readonly received: number;
  #gzipped: Promise<Uint8Array<ArrayBuffer>> | undefined;

  constructor(text: string, received: number) {
    this.body = new TextEncoder().encode(text);
    this.received = received;
  }

  gzipped(): Promise<Uint8Array<ArrayBuffer>> {
    return this.#gzipped ??= new Response(
      new Blob([this.body]).stream().pipeThrough(new CompressionStream("gzip")),
    ).bytes();
  }
}

export class LatestMessageServer {
  readonly #server: BoundedHttpServer;
  #latest: Latest | undefined;

  /** Binds at once: a taken port is a ListenError naming the address and why. */
  constructor(hostname: string, port: number) {
    try {
      this.#server = new BoundedHttpServer(
        { hostname, port },
        { headerTimeout: 5000, idleTimeout: 30_000, maxConnections: 64 },
        (head) => this.#handle(head.method, head.target, head.headers),
        { warning: (m) => log.warning(m), info: (m) => log.info(m), debug: (m) => log.debug(m) },
      );
    } catch (error) {
      const address = hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`;
      throw new ListenError(address, listenFailureReason(error), { cause: error });
    }
  }

  get address(): Deno.NetAddr {
    return this.#server.addr;
  }

  /** Serves `text` from now on. */
  update(text: string): void {
    this.#latest = new Latest(text, Date.now());
  }

  close(): Promise<void> {
    return this.#server.close();
  }

  #handle(
    method: string,
    target: string,
    headers: ReadonlyMap<string, string>,
  ): HttpResponse | Promise<HttpResponse> {
    const path = targetPath(target);
    if (path !== undefined && HEALTH_PATHS.includes(path)) return plain(200, "OK\n");
    if (path !== "/metrics") return plain(404, "Not found; metrics are at /metrics\n");
    if (method !== "GET" && method !== "HEAD") {
      return plain(405, "Method not allowed; use GET or HEAD\n", { allow: "GET, HEAD" });
    }
    const latest = this.#latest;
    if (!latest) return plain(503, "No message from Kafka yet\n", { "retry-after": "5" });
    const common = { "content-type": PROMETHEUS_CONTENT_TYPE, vary: "Accept-Encoding" };
    if (latest.body.length >= GZIP_MIN_BYTES && acceptsGzip(headers.get("accept-encoding") ?? null)) {
      return latest.gzipped().then((body) => ({
        status: 200,
        body,
        headers: { ...common, "content-encoding": "gzip" },
      }));
    }
    return { status: 200, body: latest.body, headers: common };
  }
}
