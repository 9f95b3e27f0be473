import assert from "node:assert/strict";
import {
  hasBody,
  headEnd,
  keepsAlive,
  parseRequestHead,
  type RequestHead,
  targetPath,
} from "../../src/storages/http_head.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("headEnd: finds the blank line after CRLF or LF lines, or says -1", () => {
  const cases: [string, number][] = [
    ["GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27],
    ["GET / HTTP/1.1\nHost: x\n\n", 24],
    ["GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\n", 27],
    ["GET / HTTP/1.1\r\nHost: x\r\n", -1],
    ["GET / HTTP/1.1\r\nHost: x\r\n\r", -1],
    ["", -1],
    ["\n", -1],
  ];
  for (const [text, expected] of cases) {
    const b = bytes(text);
    assert.equal(headEnd(b, b.length), expected, JSON.stringify(text));
  }
  const split = bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  assert.equal(headEnd(split, split.length, 24), 27, "a scan resumed just before the end finds it");
});

Deno.test("parseRequestHead: well-formed heads", () => {
  const ok = (text: string): RequestHead => {
    const result = parseRequestHead(text);
    assert.ok(result.ok, `${JSON.stringify(text)}: ${JSON.stringify(result)}`);
    return result.head;
  };
  const head = ok(
    "GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\nAccept: text/plain\r\naccept: */*\r\nX-Empty:\r\n\r\n",
  );
  assert.equal(head.method, "GET");
  assert.equal(head.target, "/metrics?x=1");
  assert.equal(head.version, "HTTP/1.1");
  assert.deepEqual([...head.headers], [["host", "a"], ["accept", "text/plain, */*"], ["x-empty", ""]]);
  assert.equal(ok("GET / HTTP/1.0\r\n\r\n").headers.size, 0, "HTTP/1.0 needs no Host");
  assert.equal(ok("\r\nGET / HTTP/1.1\nHost: a\n\n").method, "GET", "a leading empty line is ignored");
  assert.equal(ok("HEAD http://a/metrics HTTP/1.1\r\nHost: a\r\n\r\n").target, "http://a/metrics");
  assert.equal(ok("GET / HTTP/1.1\r\nHost:   spaced \t\r\n\r\n").headers.get("host"), "spaced");
});

Deno.test("parseRequestHead: malformed heads are refused with the status and reason", () => {
  const cases: [string, number, string][] = [
    ["", 400, "empty request"],
    ["\r\n\r\n", 400, "empty request"],
    ["GET /\r\n\r\n", 400, "malformed request line"],
    ["GET  / HTTP/1.1\r\n\r\n", 400, "malformed request line"],
    ["GET / HTTP/1.1 extra\r\n\r\n", 400, "malformed request line"],
    ["G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "malformed method"],
    ["GET /\x7f HTTP/1.1\r\nHost: a\r\n\r\n", 400, "malformed request target"],
    ["GET / HTTP/1\r\nHost: a\r\n\r\n", 400, "malformed HTTP version"],
    ["GET / http/1.1\r\nHost: a\r\n\r\n", 400, "malformed HTTP version"],
    ["GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505, "only HTTP/1.0 and HTTP/1.1 are served"],
    ["GET / HTTP/1.1\r\nHost a\r\n\r\n", 400, "malformed header field"],
    ["GET / HTTP/1.1\r\n: a\r\n\r\n", 400, "malformed header field"],
    ["GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400, "malformed header field name"],
    ["GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", 400, "malformed header field"],
    ["GET / HTTP/1.1\r\nHost: a\r\n folded: b\r\n\r\n", 400, "malformed header field name"],
    ["GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", 400, "malformed header field value"],
    ["GET / HTTP/1.1\r\nHost: a\x00\r\n\r\n", 400, "malformed header field value"],
    ["GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400, "missing Host header"],
  ];
  for (const [text, status, reason] of cases) {
    assert.deepEqual(parseRequestHead(text), { ok: false, status, reason }, JSON.stringify(text));
  }
});

Deno.test("keepsAlive, hasBody, targetPath", () => {
  const head = (text: string) => {
    const result = parseRequestHead(text);
    assert.ok(result.ok);
    return result.head;
  };
  const cases: [string, boolean][] = [
    ["GET / HTTP/1.1\r\nHost: a\r\n\r\n", true],
    ["GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n", false],
    ["GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, close\r\n\r\n", false],
    ["GET / HTTP/1.0\r\n\r\n", false],
    ["GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true],
  ];
  for (const [text, expected] of cases) assert.equal(keepsAlive(head(text)), expected, JSON.stringify(text));
  const bodies: [string, boolean][] = [
    ["GET / HTTP/1.1\r\nHost: a\r\n\r\n", false],
    ["POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", false],
    ["POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n", true],
    ["POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", true],
  ];
  for (const [text, expected] of bodies) assert.equal(hasBody(head(text)), expected, JSON.stringify(text));
  const targets: [string, string | undefined][] = [
    ["/metrics", "/metrics"],
    ["/metrics?x=1", "/metrics"],
    ["/metrics#f", "/metrics"],
    ["http://host:9/m?q", "/m"],
    ["*", undefined],
    ["ftp://host/m", undefined],
    ["host:80", undefined],
  ];
  for (const [target, expected] of targets) assert.equal(targetPath(target), expected, target);
});
