/**
 * A small HTTP/1.1 server on Deno.listen that bounds what a client can hold: a client must send its
 * request head within `headerTimeout` of connecting (or of its first byte on a kept-alive connection), a
 * kept-alive connection may idle `idleTimeout` between requests and a response must be taken within
 * `idleTimeout`; heads are at most 8 KiB and request bodies are not read (the connection closes after
 * the answer). One peer address holds at most `maxConnectionsPerAddress` connections (more get 503),
 * and all together at most `maxConnections`: when full, the oldest connection still waiting for a
 * request head is closed to admit the newcomer, and only when all are busy is it answered 503
 * (http_admission.ts). Deno.serve offers none of these limits (silent connections stay open for ever), and node:http in
 * Deno ignores headersTimeout (measured with Deno 2.9).
 */
import { FailureStreak, type StreakLog } from "../logging/streak.ts";
import { type ConnectionLimit, ConnectionTable, type DroppedConnections, peerKey } from "./http_admission.ts";
import { hasBody, headEnd, keepsAlive, parseRequestHead, type RequestHead } from "./http_head.ts";

export type { ConnectionLimit, DroppedConnections };

export interface HttpLimits {
  /** Milliseconds a client has to send a complete request head. */
  readonly headerTimeout: number;
  /** Milliseconds a kept-alive connection may wait for its next request; also bounds writing a response. */
  readonly idleTimeout: number;
  /** Connections held at once, from all peers. */
  readonly maxConnections: number;
  /** Connections held at once from one peer address (an IPv6 /64). */
  readonly maxConnectionsPerAddress: number;
}

/** The defaults of HTTPMetricsStorage's parameters, which the Kafka consumer's endpoint uses too. */
export const DEFAULT_HTTP_LIMITS: HttpLimits = Object.freeze({
  headerTimeout: 5000,
  idleTimeout: 30_000,
  maxConnections: 64,
  maxConnectionsPerAddress: 16,
});

/** A streak of dropped connections ends at the first clean admission this long after the last drop. */
export const DROP_STREAK_QUIET_MS = 60_000;

export const MAX_HEAD_BYTES = 8192;
/** Enough for a scraper's head (Prometheus sends about 300 bytes). */
const FIRST_READ_BYTES = 1024;

export interface HttpResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
}

export type HttpHandler = (head: RequestHead) => HttpResponse | Promise<HttpResponse>;

/** Where the server reports; dropped connections are reported once per streak (FailureStreak). */
export type HttpServerLog = StreakLog;

export interface HttpServerOptions {
  /** The metric that counts dropped connections (`dropped`), named in the log line when there is one. */
  readonly droppedMetric?: string;
  /** Milliseconds clock, for tests of the drop streak. */
  readonly now?: () => number;
}

const REASONS: Readonly<Record<number, string>> = {
  200: "OK",
  400: "Bad Request",
  404: "Not Found",
  405: "Method Not Allowed",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  503: "Service Unavailable",
  505: "HTTP Version Not Supported",
};

const encoder = new TextEncoder();

/** Status line, headers and (unless HEAD) body, as one buffer: one write per response. */
export function responseBytes(
  response: HttpResponse,
  options: { head: boolean; close: boolean },
): Uint8Array {
  const body = typeof response.body === "string"
    ? encoder.encode(response.body)
    : response.body ?? new Uint8Array();
  let text = `HTTP/1.1 ${response.status} ${REASONS[response.status] ?? "Unknown"}\r\n`;
  for (const [name, value] of Object.entries(response.headers ?? {})) text += `${name}: ${value}\r\n`;
  text += `content-length: ${body.length}\r\n`;
  if (options.close) text += "connection: close\r\n";
  const head = encoder.encode(text + "\r\n");
  if (options.head || body.length === 0) return head;
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

function plain(status: number, body: string): HttpResponse {
  return { status, headers: { "content-type": "text/plain; charset=utf-8" }, body };
}

const TOO_MANY = responseBytes(plain(503, "Too many connections\n"), { head: false, close: true });

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // already closed (by a timeout, or by the peer's reset)
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let written = 0; written < bytes.length;) written += await conn.write(bytes.subarray(written));
}

/** The peer a connection counts against; a Unix socket (not used here) would count as one peer. */
function peerOf(conn: Deno.Conn): string {
  const remote = conn.remoteAddr;
  return remote.transport === "tcp" || remote.transport === "udp" ? peerKey(remote.hostname) : "local";
}

export class BoundedHttpServer {
  readonly #listener: Deno.TcpListener;
  readonly #limits: HttpLimits;
  readonly #handler: HttpHandler;
  readonly #log: HttpServerLog;
  readonly #table: ConnectionTable<Deno.Conn>;
  readonly #drops: FailureStreak;
  readonly #now: () => number;
  readonly #droppedMetric: string | undefined;
  readonly #serving = new Set<Promise<void>>();
  readonly #accepting: Promise<void>;
  #lastDrop = -Infinity;
  #closed = false;

  /** Binds now: a port in use or a forbidden address throws here (Deno's own errors). */
  constructor(
    address: { hostname: string; port: number },
    limits: HttpLimits,
    handler: HttpHandler,
    log: HttpServerLog,
    options: HttpServerOptions = {},
  ) {
    this.#listener = Deno.listen({ hostname: address.hostname, port: address.port, transport: "tcp" });
    this.#limits = limits;
    this.#handler = handler;
    this.#log = log;
    this.#now = options.now ?? Date.now;
    this.#droppedMetric = options.droppedMetric;
    this.#table = new ConnectionTable(limits);
    const { hostname, port } = this.#listener.addr;
    this.#drops = new FailureStreak(
      log,
      `the HTTP server on ${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`,
      {
        level: "warning",
        remindSeconds: Infinity,
        now: this.#now,
      },
    );
    this.#accepting = this.#acceptLoop();
  }

  get addr(): Deno.NetAddr {
    return this.#listener.addr;
  }

  /** Connections being served now. */
  get connections(): number {
    return this.#table.size;
  }

  /** Connections shed or refused so far, by limit. */
  get dropped(): DroppedConnections {
    return this.#table.dropped;
  }

  /** Stops listening, closes every connection and waits for their loops to end. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#listener.close();
    } catch {
      // already closed
    }
    for (const conn of this.#table.connections()) closeQuietly(conn);
    await this.#accepting;
    await Promise.all(this.#serving);
  }

  async #acceptLoop(): Promise<void> {
    while (!this.#closed) {
      let conn: Deno.Conn;
      try {
        conn = await this.#listener.accept();
      } catch (error) {
        if (this.#closed) return;
        // e.g. EMFILE: waiting lets connections close instead of spinning on the error.
        this.#log.warning(`accepting a connection failed: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      // Accept resolves at once while connections queue, so without a turn of the event loop here a
      // flood of connects would starve the reads of the connections already admitted (a scrape's too).
      await new Promise((resolve) => setImmediate(resolve));
      const peer = peerOf(conn);
      const admission = this.#table.admit(conn, peer);
      if (admission.limit === undefined) {
        if (this.#now() - this.#lastDrop >= DROP_STREAK_QUIET_MS) this.#drops.succeed();
      } else {
        this.#lastDrop = this.#now();
        this.#drops.fail(this.#dropMessage(admission, peer), "connection limits");
      }
      if (!admission.admitted) {
        await this.#refuse(conn); // one at a time: refused sockets must not pile up either
        continue;
      }
      if (admission.shed) closeQuietly(admission.shed); // its serve loop ends and cleans up
      const serving = this.#serve(conn).finally(() => {
        this.#table.remove(conn);
        closeQuietly(conn);
        this.#serving.delete(serving);
      });
      this.#serving.add(serving);
    }
  }

  /** The line that starts a streak of dropped connections: what happened to the first one. */
  #dropMessage(admission: { admitted: boolean; limit: ConnectionLimit }, peer: string): string {
    const counted = this.#droppedMetric ? `; counted in ${this.#droppedMetric}` : "";
    if (admission.limit === "max_connections_per_address") {
      return `refusing connections from ${peer} with 503: it holds ${this.#limits.maxConnectionsPerAddress} ` +
        `(max_connections_per_address)${counted}`;
    }
    const open = `${this.#limits.maxConnections} connections are open (max_connections)`;
    return admission.admitted
      ? `${open}: closing the oldest one still waiting for a request head for each new one${counted}`
      : `${open}, all busy with requests: refusing new ones with 503${counted}`;
  }

  /** 503 and close, without reading. */
  async #refuse(conn: Deno.Conn): Promise<void> {
    try {
      // A fresh socket's send buffer takes these few bytes at once, so the write cannot hang.
      await conn.write(TOO_MANY);
    } catch {
      // the client is gone already
    }
    closeQuietly(conn);
  }

  /** Serves requests on one connection until it closes, idles out or misbehaves. */
  async #serve(conn: Deno.Conn): Promise<void> {
    // Small until a head needs more: a flood of connections that send little then holds little.
    let buffer = new Uint8Array(FIRST_READ_BYTES);
    let length = 0;
    let timer = setTimeout(() => closeQuietly(conn), this.#limits.headerTimeout);
    try {
      for (let first = true;; first = false) {
        if (!first) this.#table.waiting(conn); // sheddable again until its next head is whole
        // Wait for a whole head; a kept-alive connection gets idleTimeout until its first byte.
        let end = headEnd(buffer, length);
        let scanned = length;
        while (end < 0) {
          if (length === MAX_HEAD_BYTES) {
            return await this.#respondAndClose(conn, plain(431, "Request head larger than 8 KiB\n"));
          }
          if (length === buffer.length) {
            const larger = new Uint8Array(MAX_HEAD_BYTES);
            larger.set(buffer);
            buffer = larger;
          }
          const n = await conn.read(buffer.subarray(length));
          if (n === null) return;
          if (!first && length === 0) {
            clearTimeout(timer);
            timer = setTimeout(() => closeQuietly(conn), this.#limits.headerTimeout);
          }
          length += n;
          end = headEnd(buffer, length, Math.max(0, scanned - 3));
          scanned = length;
        }
        clearTimeout(timer);
        this.#table.busy(conn);
        const parsed = parseRequestHead(new TextDecoder("latin1").decode(buffer.subarray(0, end)));
        if (!parsed.ok) return await this.#respondAndClose(conn, plain(parsed.status, `${parsed.reason}\n`));
        buffer.copyWithin(0, end, length); // a pipelined next request stays
        length -= end;
        // A body is never read, so the connection cannot carry another request after it.
        const close = !keepsAlive(parsed.head) || hasBody(parsed.head) || this.#closed;
        const response = await this.#answer(parsed.head);
        timer = setTimeout(() => closeQuietly(conn), this.#limits.idleTimeout);
        await writeAll(conn, responseBytes(response, { head: parsed.head.method === "HEAD", close }));
        if (close) return;
      }
    } catch (error) {
      // A timeout or close() closed the connection under a read or write; anything else is the peer's.
      if (!this.#closed) this.#log.debug(`connection ended: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  async #answer(head: RequestHead): Promise<HttpResponse> {
    try {
      return await this.#handler(head);
    } catch (error) {
      this.#log.warning(`answering ${head.method} ${head.target} failed: ${(error as Error).message}`);
      return plain(500, "Internal error\n");
    }
  }

  async #respondAndClose(conn: Deno.Conn, response: HttpResponse): Promise<void> {
    const timer = setTimeout(() => closeQuietly(conn), this.#limits.idleTimeout);
    try {
      await writeAll(conn, responseBytes(response, { head: false, close: true }));
    } finally {
      clearTimeout(timer);
    }
  }
}
