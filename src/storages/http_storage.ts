/**
 * HTTPMetricsStorage: serves the latest stored batch at /metrics for Prometheus to scrape.
 *
 * The server binds in the constructor, so a port in use or a forbidden address stops the agent at
 * start-up with the config position and the reason, rather than failing every iteration later. Each
 * batch is encoded once in store(); a scrape only hands out those bytes (gzip is made at most once per
 * batch, on the first scrape that asks for it), so any number of scrapes cost next to nothing.
 */
import type { ComponentContext } from "../components/component.ts";
import type { Storage } from "../components/interfaces.ts";
import { boolean, hostPort, params, parseHostPort, text, type z } from "../config/schema.ts";
import { getLogger } from "../logging/mod.ts";
import type { Metric } from "../metrics/metric.ts";
import { encodeMetrics } from "../metrics/prometheus.ts";

const log = getLogger("wca.storage.http");

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/**
 * Loopback, because the metrics name every task on the node: exposing them is the operator's choice.
 * 9192 sits in the 9100–9999 range Prometheus users expect of exporters, clear of node_exporter's 9100
 * (often on the same node) and of the 9090–9093 Prometheus/Kafka/Alertmanager ports.
 */
export const DEFAULT_LISTEN = "127.0.0.1:9192";

/** Characters RFC 3986 allows in a path; no query, fragment, spaces or quotes. */
const URL_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;

/** Below this, gzip saves less than its header costs. */
const GZIP_MIN_BYTES = 1024;

const schema = params({
  listen: hostPort().default(DEFAULT_LISTEN).describe(
    "Address to serve on, host:port ([IPv6]:port for IPv6). The default listens on loopback only; use " +
      "0.0.0.0:PORT (or the node's address) for a Prometheus on another machine.",
  ),
  path: text(256).regex(URL_PATH, { error: "expected a URL path starting with / (no query or spaces)" })
    .default("/metrics").describe("URL path of the metrics."),
  include_timestamp: boolean().default(false).describe(
    "Add each sample's timestamp (milliseconds) to the text. Prometheus prefers to stamp samples with " +
      "the scrape time, and warns about stale timestamps, so leave this off unless you need it.",
  ),
});

export type HTTPMetricsStorageParams = z.input<typeof schema>;

/** Seams for tests. */
export interface HTTPMetricsStorageIo {
  /** Listen on this port instead of the one in `listen`; 0 picks a free port. */
  port?: number;
  now?: () => number;
}

/** The server could not listen; `address` is what was asked for, `reason` why it failed. */
export class ListenError extends Error {
  override readonly name = "ListenError";
  readonly address: string;
  readonly reason: string;

  constructor(address: string, reason: string, options?: ErrorOptions) {
    super(`cannot listen on ${address}: ${reason}`, options);
    this.address = address;
    this.reason = reason;
  }
}

/** Why a bind failed, in words an operator can act on. */
export function listenFailureReason(error: unknown): string {
  if (error instanceof Deno.errors.AddrInUse) {
    return "the address is already in use (another wca or exporter may be running; choose another port " +
      "with 'listen')";
  }
  if (error instanceof Deno.errors.AddrNotAvailable) {
    return "the address does not belong to this machine (use one of its addresses, 127.0.0.1 or 0.0.0.0)";
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return "permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)";
  }
  if (error instanceof Deno.errors.NotCapable) return "Deno was not given network access (--allow-net)";
  return error instanceof Error ? error.message : String(error);
}

/** `host:port` with IPv6 addresses in brackets, as `listen` is written. */
function joinHostPort(hostname: string, port: number): string {
  return `${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
}

/** Whether an Accept-Encoding header allows gzip (an explicit `gzip;q=0` forbids it, `*` allows it). */
export function acceptsGzip(header: string | null): boolean {
  if (!header) return false;
  let wildcard = false;
  for (const part of header.split(",")) {
    const [coding = "", ...parameters] = part.split(";").map((s) => s.trim().toLowerCase());
    const q = parameters.find((p) => p.startsWith("q="));
    const allowed = q === undefined || Number(q.slice(2)) > 0;
    if (coding === "gzip" || coding === "x-gzip") return allowed;
    if (coding === "*") wildcard = allowed;
  }
  return wildcard;
}

async function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return await new Response(stream).bytes();
}

/** One stored batch, encoded; immutable but for the gzip made on demand. */
class EncodedBatch {
  readonly body: Uint8Array<ArrayBuffer>;
  #gzipped: Promise<Uint8Array<ArrayBuffer>> | undefined;

  constructor(text: string) {
    this.body = new TextEncoder().encode(text);
  }

  /** Shared by concurrent scrapes: the first one compresses, the rest wait for the same promise. */
  gzipped(): Promise<Uint8Array<ArrayBuffer>> {
    return this.#gzipped ??= gzip(this.body);
  }
}

function plainText(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers } });
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export class HTTPMetricsStorage implements Storage {
  static readonly schema = schema;
  static readonly description = "Serves the latest metrics over HTTP for Prometheus to scrape.";

  readonly #path: string;
  readonly #timestamps: boolean;
  readonly #now: () => number;
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly #url: string;
  #batch: EncodedBatch | undefined;
  #closing: Promise<void> | undefined;

  constructor(
    params: HTTPMetricsStorageParams = {},
    _context?: ComponentContext,
    io: HTTPMetricsStorageIo = {},
  ) {
    const parsed = schema.parse(params);
    this.#path = parsed.path;
    this.#timestamps = parsed.include_timestamp;
    this.#now = io.now ?? Date.now;
    const { host, port: configured } = parseHostPort(parsed.listen)!; // the schema checked it
    const port = io.port ?? configured;
    try {
      this.#server = Deno.serve({
        hostname: host,
        port,
        onListen: () => {}, // we log the address ourselves, through the agent's logger
        onError: (error) => {
          log.error(`serving ${this.#url} failed: ${error instanceof Error ? error.message : String(error)}`);
          return plainText(500, "Internal error\n");
        },
      }, (request) => this.#handle(request));
    } catch (error) {
      throw new ListenError(joinHostPort(host, port), listenFailureReason(error), { cause: error });
    }
    this.#url = `http://${joinHostPort(this.#server.addr.hostname, this.#server.addr.port)}${this.#path}`;
    log.info(`serving metrics at ${this.#url}`);
  }

  /** Where the metrics are served, e.g. `http://127.0.0.1:9192/metrics` (the real port when 0 was asked). */
  get url(): string {
    return this.#url;
  }

  /** The address the server listens on. */
  get address(): Deno.NetAddr {
    return this.#server.addr;
  }

  /**
   * Encodes the batch and makes it the one served. An invalid batch throws MetricEncodingError and the
   * previous batch stays served.
   */
  store(metrics: readonly Metric[]): void {
    if (this.#closing) throw new Error(`HTTPMetricsStorage at ${this.#url} is closed`);
    const text = encodeMetrics(metrics, { timestamps: this.#timestamps, now: this.#now() });
    this.#batch = new EncodedBatch(text);
  }

  /** Stops listening and waits for scrapes in flight; later calls return the same promise. */
  close(): Promise<void> {
    return this.#closing ??= this.#server.shutdown().then(() => log.debug(`stopped serving ${this.#url}`));
  }

  #handle(request: Request): Response | Promise<Response> {
    const { pathname } = new URL(request.url);
    const metrics = pathname === this.#path;
    if (!metrics && pathname !== "/") return plainText(404, `Not found; metrics are at ${this.#path}\n`);
    if (request.method !== "GET" && request.method !== "HEAD") {
      return plainText(405, "Method not allowed; use GET or HEAD\n", { allow: "GET, HEAD" });
    }
    if (!metrics) return this.#indexPage();
    const batch = this.#batch;
    if (!batch) {
      return plainText(503, "No metrics yet: wca has not stored its first batch\n", { "retry-after": "5" });
    }
    const headers = { "content-type": PROMETHEUS_CONTENT_TYPE, vary: "Accept-Encoding" };
    if (batch.body.length >= GZIP_MIN_BYTES && acceptsGzip(request.headers.get("accept-encoding"))) {
      return batch.gzipped().then((body) =>
        new Response(body, { headers: { ...headers, "content-encoding": "gzip" } })
      );
    }
    return new Response(batch.body, { headers });
  }

  #indexPage(): Response {
    const path = escapeHtml(this.#path);
    const html = "<!DOCTYPE html>\n<html><head><title>wca</title></head><body>\n" +
      `<h1>wca — Workload Collocation Agent</h1>\n<p><a href="${path}">Metrics</a></p>\n</body></html>\n`;
    return new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
  }
}
