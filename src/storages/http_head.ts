/**
 * The request head of HTTP/1.1 (RFC 9112), as much as a metrics endpoint needs: request line and header
 * fields. Pure; the server in http_server.ts does the reading. Anything unusual is refused rather than
 * guessed at (no obs-fold, no whitespace before the colon, no bare CR), as RFC 9112 allows a server to.
 */

export interface RequestHead {
  readonly method: string;
  /** The request target as sent: "/metrics?x=1", or an absolute URL. */
  readonly target: string;
  readonly version: "HTTP/1.0" | "HTTP/1.1";
  /** Lower-case field names; repeated fields joined with ", ". */
  readonly headers: ReadonlyMap<string, string>;
}

export type HeadResult =
  | { readonly ok: true; readonly head: RequestHead }
  | { readonly ok: false; readonly status: 400 | 505; readonly reason: string };

const LF = 10;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Field values: visible ASCII, obs-text, space and tab; no CR, LF or NUL. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** The index just past the blank line that ends the head ("\r\n\r\n" or "\n\n"), or -1. */
export function headEnd(bytes: Uint8Array, length: number, from = 0): number {
  for (let i = Math.max(from, 1); i < length; i++) {
    if (bytes[i] !== LF) continue;
    if (bytes[i - 1] === LF) return i + 1;
    if (bytes[i - 1] === 13 && i >= 2 && bytes[i - 2] === LF) return i + 1;
  }
  return -1;
}

function bad(reason: string): HeadResult {
  return { ok: false, status: 400, reason };
}

/** Parses a head (latin1 text, the blank line included or not). */
export function parseRequestHead(text: string): HeadResult {
  const lines = text.split("\n").map((line) => line.endsWith("\r") ? line.slice(0, -1) : line);
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  // RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request line.
  while (lines.length > 0 && lines[0] === "") lines.shift();
  const requestLine = lines.shift();
  if (requestLine === undefined) return bad("empty request");
  const parts = requestLine.split(" ");
  if (parts.length !== 3) return bad("malformed request line");
  const [method, target, version] = parts as [string, string, string];
  if (!TOKEN.test(method)) return bad("malformed method");
  if (target === "" || !/^[\x21-\x7e]+$/.test(target)) return bad("malformed request target");
  if (!/^HTTP\/\d\.\d$/.test(version)) return bad("malformed HTTP version");
  if (version !== "HTTP/1.1" && version !== "HTTP/1.0") {
    return { ok: false, status: 505, reason: "only HTTP/1.0 and HTTP/1.1 are served" };
  }
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) return bad("malformed header field");
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) return bad("malformed header field name");
    const value = line.slice(colon + 1).trim();
    if (!FIELD_VALUE.test(value) || value.includes("\r")) return bad("malformed header field value");
    const key = name.toLowerCase();
    const seen = headers.get(key);
    headers.set(key, seen === undefined ? value : `${seen}, ${value}`);
  }
  if (version === "HTTP/1.1" && !headers.has("host")) return bad("missing Host header");
  return { ok: true, head: { method, target, version, headers } };
}

/** Whether the request carries a body (which a metrics endpoint does not read). */
export function hasBody(head: RequestHead): boolean {
  if (head.headers.has("transfer-encoding")) return true;
  const length = head.headers.get("content-length");
  return length !== undefined && length.trim() !== "0";
}

/** Whether the connection stays open after the response (RFC 9112 §9.3). */
export function keepsAlive(head: RequestHead): boolean {
  const tokens = (head.headers.get("connection") ?? "").toLowerCase().split(",").map((t) => t.trim());
  if (tokens.includes("close")) return false;
  return head.version === "HTTP/1.1" || tokens.includes("keep-alive");
}

/** The path of the target, without query; undefined for a target that is not a path or an http URL. */
export function targetPath(target: string): string | undefined {
  if (target.startsWith("/")) {
    const end = target.search(/[?#]/);
    return end < 0 ? target : target.slice(0, end);
  }
  try {
    const url = new URL(target);
    return url.protocol === "http:" || url.protocol === "https:" ? url.pathname : undefined;
  } catch {
    return undefined;
  }
}
