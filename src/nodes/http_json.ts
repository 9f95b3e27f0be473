/**
 * The one HTTP(S) JSON client of the orchestrator nodes (kubelet, Kubernetes API server, Mesos agent).
 * node:http/node:https rather than fetch: fetch cannot skip server verification (`server_verify: false`),
 * node:https takes every TLS option of !SSL (CA bundle, client certificate, no verification).
 *
 * `timeoutMs` bounds the whole request: connecting, TLS, headers and reading the body. A body larger than
 * `maxBytes` is cut off. Every failure is a RequestFailure whose `kind` says what went wrong, so a node
 * can report an outage once and tell the operator what to check.
 */
import http from "node:http";
import https from "node:https";
import type { TlsOptions } from "../components/ssl.ts";
import { escapeControl } from "../logging/mod.ts";

export type FailureKind =
  | "refused"
  | "timeout"
  | "tls"
  | "network"
  | "status"
  | "too-large"
  | "not-json"
  /** JSON, but not the document asked for (the caller's check). */
  | "malformed"
  /** The request could not be made: e.g. the bearer token file is unreadable (the caller's check). */
  | "credentials";

export class RequestFailure extends Error {
  override readonly name = "RequestFailure";
  readonly kind: FailureKind;
  /** The HTTP status for kind "status". */
  readonly status: number | undefined;

  constructor(kind: FailureKind, message: string, status?: number) {
    super(message);
    this.kind = kind;
    this.status = status;
  }
}

export interface JsonClientOptions {
  /** Base URL, e.g. https://127.0.0.1:10250; request paths are resolved against it. */
  readonly baseUrl: string;
  /** TLS options for https URLs (from !SSL); absent means verify against the system's CAs. */
  readonly tls?: TlsOptions;
  readonly timeoutMs: number;
  /** Largest body accepted, in bytes. */
  readonly maxBytes: number;
  /** A unix socket to send the requests to (the Docker Engine API); baseUrl then only names the host. */
  readonly socketPath?: string;
}

export interface JsonRequest {
  readonly method?: "GET" | "POST";
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Extra headers (e.g. Authorization); never logged. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Overrides the client's timeout, e.g. the time left of a node's whole getTasks(). */
  readonly timeoutMs?: number;
}

/** A body excerpt short enough for a log line, with control characters escaped. */
const EXCERPT = 200;

export class JsonClient {
  readonly #options: JsonClientOptions;
  readonly #base: URL;
  readonly #agent: http.Agent;

  constructor(options: JsonClientOptions) {
    this.#options = options;
    this.#base = new URL(options.baseUrl);
    const secure = this.#base.protocol === "https:";
    // Kept-alive connections: a TLS handshake per interval would cost the kubelet and us for nothing.
    // No maxSockets: a request queued behind a hung one would wait out its own timeout in the queue.
    this.#agent = secure
      ? new https.Agent({ keepAlive: true, ...(options.tls ?? { minVersion: "TLSv1.2" }) })
      : new http.Agent({ keepAlive: true });
  }

  /** The URL a path resolves to, for messages. */
  url(path: string): string {
    return new URL(path, this.#base).href;
  }

  /** Sends the request and parses the JSON body; throws RequestFailure. */
  request(path: string, request: JsonRequest = {}): Promise<unknown> {
    const target = new URL(path, this.#base);
    const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
    const headers: Record<string, string> = { accept: "application/json", ...request.headers };
    if (payload !== undefined) {
      headers["content-type"] = "application/json";
      headers["content-length"] = String(new TextEncoder().encode(payload).length);
    }
    const { maxBytes } = this.#options;
    const timeoutMs = request.timeoutMs ?? this.#options.timeoutMs;
    const module = target.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (error: RequestFailure | undefined, value?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) {
          // A half-read response or a hung peer must not stay on the kept-alive socket.
          req.destroy();
          reject(error);
        } else resolve(value);
      };
      const req = module.request(target, {
        method: request.method ?? "GET",
        headers,
        agent: this.#agent,
        ...(this.#options.socketPath === undefined ? {} : { socketPath: this.#options.socketPath }),
      });
      const timer = setTimeout(
        () =>
          finish(
            new RequestFailure("timeout", `no complete answer within ${Math.round(timeoutMs / 100) / 10} s`),
          ),
        timeoutMs,
      );
      req.on("error", (error) => finish(classify(error)));
      req.on("response", (res) => {
        const declared = Number(res.headers["content-length"]);
        if (Number.isFinite(declared) && declared > maxBytes) {
          finish(tooLarge(maxBytes));
          return;
        }
        const chunks: Uint8Array[] = [];
        let size = 0;
        res.on("data", (chunk: Uint8Array) => {
          size += chunk.length;
          if (size > maxBytes) finish(tooLarge(maxBytes));
          else chunks.push(chunk);
        });
        res.on("error", (error) => finish(classify(error)));
        res.on("aborted", () => finish(new RequestFailure("network", "the connection closed mid-answer")));
        res.on("end", () => {
          if (settled) return;
          const text = new TextDecoder().decode(concat(chunks, size));
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 299) {
            finish(
              new RequestFailure(
                "status",
                `HTTP ${status} ${escapeControl(res.statusMessage ?? "")}: ${excerpt(text)}`,
                status,
              ),
            );
            return;
          }
          try {
            finish(undefined, JSON.parse(text));
          } catch (error) {
            finish(
              new RequestFailure(
                "not-json",
                `the answer is not JSON (${(error as Error).message}): ${excerpt(text)}`,
              ),
            );
          }
        });
      });
      req.end(payload);
    });
  }

  /** Closes kept-alive connections. */
  close(): void {
    this.#agent.destroy();
  }
}

function tooLarge(maxBytes: number): RequestFailure {
  return new RequestFailure("too-large", `the answer is larger than ${maxBytes} bytes`);
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function excerpt(text: string): string {
  const short = text.length > EXCERPT ? `${text.slice(0, EXCERPT)}…` : text;
  return short.trim() === "" ? "(empty body)" : JSON.stringify(escapeControl(short));
}

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_|HOSTNAME|ALTNAME|ERR_TLS/;

/** Node's socket errors as a kind and a sentence. */
export function classify(error: unknown): RequestFailure {
  if (error instanceof RequestFailure) return error;
  const e = error as Error & { code?: string };
  const code = e.code ?? "";
  const message = escapeControl(e.message ?? String(error));
  if (code === "ECONNREFUSED" || /connection refused/i.test(message)) {
    return new RequestFailure("refused", `connection refused (${message})`);
  }
  if (TLS_CODES.test(code) || /certificate|handshake|tls|alert/i.test(message)) {
    return new RequestFailure("tls", `TLS failed: ${message}`);
  }
  return new RequestFailure("network", message);
}
