/**
 * The one HTTP(S) JSON client of the orchestrator nodes (kubelet, Kubernetes API server, Mesos agent).
 * node:http/node:https rather than fetch: fetch cannot skip server verification (`server_verify: false`),
 * node:https takes every TLS option of !SSL (CA bundle, client certificate, no verification).
 *
 * `timeoutMs` bounds the whole request: connecting, TLS, headers and reading the body. A body larger than
 * `maxBytes` is cut off; a large one is parsed as it arrives, its list's elements handed over one by one
 * (JsonBody), so memory follows one element. A TLS failure is explained from the server's certificates. Every failure is a RequestFailure whose `kind` says what went wrong, so a node
 * can report an outage once and tell the operator what to check.
 */
import http from "node:http";
import https from "node:https";
import type { TlsOptions } from "../components/ssl.ts";
import { escapeControl } from "../logging/mod.ts";
import { HeapTrim } from "./heap_trim.ts";
import { JsonBody } from "./json_body.ts";
import { JsonSyntaxError } from "./json_items.ts";
import { diagnoseTls } from "./tls_diagnosis.ts";

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
  /**
   * The list in the answer (keys from the root, e.g. ["items"]) whose elements go to `each` one by one
   * as they arrive; the promise then resolves to the rest of the document, that list left empty and
   * other containers beside the path too. Absent: the whole document.
   */
  readonly items?: { readonly path: readonly string[]; readonly each: (item: unknown) => void };
}

/** Verification against the system's CAs. */
const DEFAULT_TLS: TlsOptions = { rejectUnauthorized: true, minVersion: "TLSv1.2" };

/** A body excerpt short enough for a log line, with control characters escaped. */
const EXCERPT = 200;

export class JsonClient {
  readonly #options: JsonClientOptions;
  readonly #base: URL;
  readonly #agent: http.Agent;
  readonly #trim = new HeapTrim();

  constructor(options: JsonClientOptions) {
    this.#options = options;
    this.#base = new URL(options.baseUrl);
    const secure = this.#base.protocol === "https:";
    // Kept-alive connections: a TLS handshake per interval would cost the kubelet and us for nothing.
    // No maxSockets: a request queued behind a hung one would wait out its own timeout in the queue.
    this.#agent = secure
      ? new https.Agent({ keepAlive: true, ...(options.tls ?? DEFAULT_TLS) })
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
    const started = performance.now();
    return new Promise((resolve, reject) => {
      let settled = false;
      let size = 0;
      const finish = (error: RequestFailure | undefined, value?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#trim.after(size);
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
      req.on("error", (error) => {
        const failure = classify(error);
        if (failure.kind !== "tls" || target.protocol !== "https:" || settled) {
          finish(failure);
          return;
        }
        // The runtime's TLS codes are ambiguous: look at the server's certificates to say what failed.
        const tls = this.#options.tls ?? DEFAULT_TLS;
        const left = timeoutMs - (performance.now() - started);
        diagnoseTls(target, tls, left, req.socket?.remoteAddress).then(
          (verdict) =>
            finish(verdict === undefined ? failure : new RequestFailure("tls", `TLS failed: ${verdict}`)),
          () => finish(failure),
        );
      });
      req.on("response", (res) => {
        const declared = Number(res.headers["content-length"]);
        if (Number.isFinite(declared) && declared > maxBytes) {
          finish(tooLarge(maxBytes));
          return;
        }
        const status = res.statusCode ?? 0;
        const ok = status >= 200 && status <= 299;
        const body = new JsonBody({
          ...(request.items ? { items: request.items } : {}),
          maxItemChars: maxBytes,
          parse: ok,
        });
        res.on("data", (chunk: Uint8Array) => {
          if (settled) return;
          size += chunk.length;
          if (size > maxBytes) {
            finish(tooLarge(maxBytes));
            return;
          }
          try {
            body.push(chunk);
          } catch (error) {
            // The caller's `each` refused an element: the answer is not what was asked for.
            finish(new RequestFailure("malformed", (error as Error).message));
          }
        });
        res.on("error", (error) => finish(classify(error)));
        res.on("aborted", () => finish(new RequestFailure("network", "the connection closed mid-answer")));
        res.on("end", () => {
          if (settled) return;
          let document: unknown;
          try {
            document = body.end();
          } catch (error) {
            finish(
              error instanceof JsonSyntaxError
                ? new RequestFailure(
                  "not-json",
                  `the answer is not JSON (${error.message}): ${excerpt(body.head)}`,
                )
                : new RequestFailure("malformed", (error as Error).message),
            );
            return;
          }
          if (!ok) {
            const reason = escapeControl(res.statusMessage ?? "");
            finish(new RequestFailure("status", `HTTP ${status} ${reason}: ${excerpt(body.head)}`, status));
            return;
          }
          finish(undefined, document);
        });
      });
      req.end(payload);
    });
  }

  /** Closes kept-alive connections. */
  close(): void {
    this.#agent.destroy();
    this.#trim.close();
  }
}

function tooLarge(maxBytes: number): RequestFailure {
  return new RequestFailure("too-large", `the answer is larger than ${maxBytes} bytes`);
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
