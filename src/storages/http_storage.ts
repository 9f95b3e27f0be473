/**
 * HTTPMetricsStorage: serves the latest stored batch at /metrics for Prometheus to scrape.
 *
 * The server binds in the constructor, so a port in use or a forbidden address stops the agent at
 * start-up with the config position and the reason, rather than failing every iteration later. store()
 * only checks a batch (an invalid one is refused there); its text is made on the first scrape that asks
 * for it, once per batch and format, so a batch no one scrapes (the agent measures every second,
 * Prometheus scrapes every 15 s or so) is never encoded. Later scrapes of the same batch hand out the
 * same bytes (gzip too is made at most once per batch), so any number of scrapes cost next to nothing.
 * A scraper that asks for OpenMetrics (as Prometheus does by default) gets it.
 *
 * The server is BoundedHttpServer (http_server.ts): what one client can hold is bounded by
 * header_timeout, idle_timeout, max_connections and max_connections_per_address; connections dropped at
 * those limits are counted in wca_http_connections_dropped_total (healthMetrics).
 */
import type { ComponentContext } from "../components/component.ts";
import type { Storage } from "../components/interfaces.ts";
import { boolean, hostPort, integer, number, params, parseHostPort, text, type z } from "../config/schema.ts";
import { getLogger } from "../logging/mod.ts";
import { type Metric, metric } from "../metrics/metric.ts";
import {
  MetricsEncoder,
  OPENMETRICS_CONTENT_TYPE,
  type PreparedBatch,
  PROMETHEUS_CONTENT_TYPE,
} from "../metrics/prometheus.ts";
import { type RequestHead, targetPath } from "./http_head.ts";
import { BoundedHttpServer, DEFAULT_HTTP_LIMITS, type HttpResponse } from "./http_server.ts";

const log = getLogger("wca.storage.http");

export { OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE };

/** Liveness paths: Prometheus' own and the Kubernetes convention. */
export const HEALTH_PATHS: readonly string[] = ["/-/healthy", "/healthz"];

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
  header_timeout: number(0.1, 300).default(DEFAULT_HTTP_LIMITS.headerTimeout / 1000).describe(
    "Seconds a client has to send its request head after connecting (or after the first byte of its " +
      "next request); a silent connection is closed after this.",
  ),
  idle_timeout: number(0.1, 3600).default(DEFAULT_HTTP_LIMITS.idleTimeout / 1000).describe(
    "Seconds a kept-alive connection may wait for its next request, and a client may take to read a " +
      "response.",
  ),
  max_connections: integer(1, 10_000).default(DEFAULT_HTTP_LIMITS.maxConnections).describe(
    "Connections held at once. When they are all open, a new connection closes the oldest one that has " +
      "not yet sent a whole request head; only when every one is busy with a request is the new one " +
      "answered 503.",
  ),
  max_connections_per_address: integer(1, 10_000).default(DEFAULT_HTTP_LIMITS.maxConnectionsPerAddress)
    .describe(
      "Connections held at once from one client address (an IPv6 /64), so that one client cannot take " +
        "every connection: beyond it, a new connection from that address closes that address's oldest one " +
        "still waiting for a request head (or is answered 503 when all of them are busy).",
    ),
});

export type HTTPMetricsStorageParams = z.input<typeof schema>;

/** Seams for tests. */
export interface HTTPMetricsStorageIo {
  /** Listen on this port instead of the one in `listen`; 0 picks a free port. */
  port?: number;
  now?: () => number;
  /** The encoder batches are checked and written with (tests count its renders). */
  encoder?: MetricsEncoder;
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
export function joinHostPort(hostname: string, port: number): string {
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

type Format = "prometheus" | "openmetrics";

/** One encoding of a batch, with its gzip made on demand. */
export class Encoded {
  readonly body: Uint8Array<ArrayBuffer>;
  #gzipped: Promise<Uint8Array<ArrayBuffer>> | undefined;

  constructor(body: Uint8Array<ArrayBuffer>) {
    this.body = body;
  }

  /** Shared by concurrent scrapes: the first one compresses, the rest wait for the same promise. */
  gzipped(): Promise<Uint8Array<ArrayBuffer>> {
    return this.#gzipped ??= gzip(this.body);
  }
}

/** One stored batch: checked at store time, its text made per format on the first scrape that asks. */
class EncodedBatch {
  readonly #prepared: PreparedBatch;
  readonly #encoder: MetricsEncoder;
  readonly #timestamps: boolean;
  readonly #now: number;
  readonly #encoded = new Map<Format, Encoded>();

  constructor(prepared: PreparedBatch, encoder: MetricsEncoder, timestamps: boolean, now: number) {
    this.#prepared = prepared;
    this.#encoder = encoder;
    this.#timestamps = timestamps;
    this.#now = now;
  }

  get(format: Format): Encoded {
    let encoded = this.#encoded.get(format);
    if (!encoded) {
      const options = { timestamps: this.#timestamps, now: this.#now, format };
      // A copy: the encoder's buffer is reused by the next render.
      encoded = new Encoded(this.#encoder.render(this.#prepared, options).slice());
      this.#encoded.set(format, encoded);
    }
    return encoded;
  }
}

interface MediaRange {
  readonly type: string;
  readonly q: number;
  readonly version: string | undefined;
}

function parseAccept(header: string): MediaRange[] {
  return header.split(",").map((part) => {
    const [type = "", ...parameters] = part.split(";").map((s) => s.trim());
    const value = (name: string) =>
      parameters.find((p) => p.toLowerCase().startsWith(`${name}=`))?.slice(name.length + 1).replace(
        /"/g,
        "",
      );
    const q = Number(value("q") ?? "1");
    return { type: type.toLowerCase(), q: Number.isFinite(q) ? q : 0, version: value("version") };
  });
}

/**
 * OpenMetrics 1.0.0 when the Accept header prefers it (or ranks it equal) to the classic text format,
 * as Prometheus' default header does; the text format otherwise, and without an Accept header.
 */
export function prefersOpenMetrics(header: string | undefined): boolean {
  if (!header) return false;
  let openMetrics = 0;
  let classic = 0;
  for (const range of parseAccept(header)) {
    if (range.type === "application/openmetrics-text") {
      if (range.version === undefined || range.version === "1.0.0") {
        openMetrics = Math.max(openMetrics, range.q);
      }
    } else if (range.type === "text/plain" || range.type === "text/*" || range.type === "*/*") {
      if (range.version === undefined || range.version === "0.0.4") classic = Math.max(classic, range.q);
    }
  }
  return openMetrics > 0 && openMetrics >= classic;
}

export function plainText(status: number, body: string, headers: Record<string, string> = {}): HttpResponse {
  return { status, body, headers: { "content-type": "text/plain; charset=utf-8", ...headers } };
}

/** 200 with `encoded`'s body, gzipped when it is large enough and the client's Accept-Encoding takes gzip. */
export function encodedResponse(
  encoded: Encoded,
  headers: Readonly<Record<string, string>>,
  acceptEncoding: string | undefined,
): HttpResponse | Promise<HttpResponse> {
  if (encoded.body.length >= GZIP_MIN_BYTES && acceptsGzip(acceptEncoding ?? null)) {
    return encoded.gzipped().then((body) => ({
      status: 200,
      body,
      headers: { ...headers, "content-encoding": "gzip" },
    }));
  }
  return { status: 200, body: encoded.body, headers };
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
  readonly #server: BoundedHttpServer;
  readonly #url: string;
  /** Remembers each task's label text between batches. */
  readonly #encoder: MetricsEncoder;
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
    this.#encoder = io.encoder ?? new MetricsEncoder();
    const { host, port: configured } = parseHostPort(parsed.listen)!; // the schema checked it
    const port = io.port ?? configured;
    const limits = {
      headerTimeout: parsed.header_timeout * 1000,
      idleTimeout: parsed.idle_timeout * 1000,
      maxConnections: parsed.max_connections,
      maxConnectionsPerAddress: parsed.max_connections_per_address,
    };
    try {
      this.#server = new BoundedHttpServer(
        { hostname: host, port },
        limits,
        (head) => this.#handle(head),
        log,
        { droppedMetric: "wca_http_connections_dropped_total" },
      );
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
   * Checks the batch and makes it the one served; its text is made when it is first scraped. An invalid
   * batch throws MetricEncodingError and the previous batch stays served.
   */
  store(metrics: readonly Metric[]): void {
    if (this.#closing) throw new Error(`HTTPMetricsStorage at ${this.#url} is closed`);
    const prepared = this.#encoder.prepare(metrics);
    this.#batch = new EncodedBatch(prepared, this.#encoder, this.#timestamps, this.#now());
  }

  /** Stops listening and waits for scrapes in flight; later calls return the same promise. */
  close(): Promise<void> {
    return this.#closing ??= this.#server.close().then(() => log.debug(`stopped serving ${this.#url}`));
  }

  /** The number of connections being served now (for tests and the README's limits). */
  get connections(): number {
    return this.#server.connections;
  }

  /** wca_http_connections_dropped_total: shed and refused connections, zeroes too (for rate()). */
  healthMetrics(): Metric[] {
    const { shed, refused } = this.#server.dropped;
    const listen = joinHostPort(this.#server.addr.hostname, this.#server.addr.port);
    const series = (limit: string, dropped: string, value: number) =>
      metric("wca_http_connections_dropped_total", value, {
        storage: "HTTPMetricsStorage",
        listen,
        limit,
        dropped,
      });
    return [
      series("max_connections", "oldest_waiting", shed),
      series("max_connections", "new", refused.max_connections),
      series("max_connections_per_address", "new", refused.max_connections_per_address),
    ];
  }

  #handle(head: RequestHead): HttpResponse | Promise<HttpResponse> {
    const pathname = targetPath(head.target);
    const metrics = pathname === this.#path;
    const health = pathname !== undefined && HEALTH_PATHS.includes(pathname);
    if (!metrics && !health && pathname !== "/") {
      return plainText(404, `Not found; metrics are at ${this.#path}\n`);
    }
    if (head.method !== "GET" && head.method !== "HEAD") {
      return plainText(405, "Method not allowed; use GET or HEAD\n", { allow: "GET, HEAD" });
    }
    if (health) return plainText(200, "OK\n");
    if (!metrics) return this.#indexPage();
    const batch = this.#batch;
    if (!batch) {
      return plainText(503, "No metrics yet: wca has not stored its first batch\n", { "retry-after": "5" });
    }
    const openMetrics = prefersOpenMetrics(head.headers.get("accept"));
    const encoded = batch.get(openMetrics ? "openmetrics" : "prometheus");
    const headers = {
      "content-type": openMetrics ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE,
      vary: "Accept, Accept-Encoding",
    };
    return encodedResponse(encoded, headers, head.headers.get("accept-encoding"));
  }

  #indexPage(): HttpResponse {
    const path = escapeHtml(this.#path);
    const html = "<!DOCTYPE html>\n<html><head><title>wca</title></head><body>\n" +
      `<h1>wca — Workload Collocation Agent</h1>\n<p><a href="${path}">Metrics</a></p>\n</body></html>\n`;
    return { status: 200, body: html, headers: { "content-type": "text/html; charset=utf-8" } };
  }
}
