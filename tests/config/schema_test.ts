import assert from "node:assert/strict";
import { resolve } from "node:path";
import {
  absolutePath,
  cgroupPath,
  hostPort,
  parseHostPort,
  path,
  pathTextProblem,
  url,
} from "../../src/config/schema.ts";

Deno.test("host:port accepts hostnames, IPv4 and bracketed IPv6, ports 1-65535", () => {
  const table: Array<[string, { host: string; port: number } | undefined]> = [
    ["localhost:9092", { host: "localhost", port: 9092 }],
    ["kafka-1.example.com:9093", { host: "kafka-1.example.com", port: 9093 }],
    ["10.0.0.1:80", { host: "10.0.0.1", port: 80 }],
    ["[::1]:9092", { host: "::1", port: 9092 }],
    ["[fe80::1:2]:1", { host: "fe80::1:2", port: 1 }],
    ["localhost", undefined],
    ["localhost:0", undefined],
    ["localhost:65536", undefined],
    ["::1:9092", undefined],
    ["[not-ipv6]:80", undefined],
    ["300.1.1.1:80", undefined],
    ["-bad-.com:80", undefined],
    ["host name:80", undefined],
    [":80", undefined],
  ];
  for (const [text, expected] of table) assert.deepEqual(parseHostPort(text), expected, text);
  assert.equal(hostPort().safeParse("[::1]:9092").success, true);
});

Deno.test("URLs are checked for their scheme", () => {
  const https = url(["https"]);
  assert.equal(https.safeParse("https://mesos:5051").success, true);
  assert.equal(https.safeParse("http://mesos:5051").success, false);
  assert.equal(https.safeParse("not a url").success, false);
});

Deno.test("paths: absolute, no '..', and readable when asked", () => {
  assert.equal(absolutePath().safeParse("/var/lib/wca").success, true);
  assert.equal(absolutePath().safeParse("/var/lib/../wca").success, false);
  assert.equal(absolutePath().safeParse("lib/wca").success, false);
  assert.equal(absolutePath({ readable: true }).safeParse(Deno.cwd()).success, true);
  const missing = absolutePath({ readable: true }).safeParse("/nonexistent/wca/file");
  assert.equal(missing.success, false);
  assert.equal(missing.error?.issues[0]?.message, "expected a readable path, but it does not exist");
});

Deno.test("pathTextProblem: control characters and undecodable text, with where they are", () => {
  const table: Array<[string, string | undefined]> = [
    ["/var/lib/wca/metrics.prom", undefined],
    ["metrics.prom", undefined],
    ["/srv/données/日本/🙂.prom", undefined],
    ["/var/log/a\nb", "expected a path without control characters (U+000A at character 11)"],
    ["\u0000", "expected a path without control characters (U+0000 at character 1)"],
    ["/x\u001b[31m", "expected a path without control characters (U+001B at character 3)"],
    ["/x\tz", "expected a path without control characters (U+0009 at character 3)"],
    ["/x\u007f", "expected a path without control characters (U+007F at character 3)"],
    ["/x\u009b", "expected a path without control characters (U+009B at character 3)"],
    ["/m\uFFFD.prom", "expected a path in valid UTF-8 (U+FFFD at character 3)"],
    ["/m\uD800.prom", "expected a path in valid UTF-8"],
  ];
  for (const [value, expected] of table) {
    assert.equal(pathTextProblem(value), expected, JSON.stringify(value));
  }
});

Deno.test("path types refuse control characters and invalid UTF-8; path() resolves relative paths", () => {
  for (const schema of [absolutePath(), path(), cgroupPath(), cgroupPath({ absolute: true })]) {
    const result = schema.safeParse("/var/log/\u001b]0;owned\u0007");
    assert.equal(result.success, false);
    assert.match(result.error!.issues[0]!.message, /^expected a path without control characters/);
    assert.equal(schema.safeParse("/a/\uFFFD").success, false);
  }
  const fixed = path({ cwd: () => "/srv/wca" });
  const table: Array<[string, string]> = [
    ["metrics.prom", "/srv/wca/metrics.prom"],
    ["./out/m.prom", "/srv/wca/out/m.prom"],
    ["../m.prom", "/srv/m.prom"],
    ["/abs/m.prom", "/abs/m.prom"],
    ["/abs/../m.prom", "/m.prom"],
  ];
  for (const [value, expected] of table) assert.equal(fixed.parse(value), expected, value);
  assert.equal(path().parse("x.prom"), resolve(Deno.cwd(), "x.prom"));
  assert.equal(fixed.safeParse("").success, false);
  assert.equal(path({ readable: true, cwd: () => "/nonexistent-dir" }).safeParse("x").success, false);
  assert.equal(absolutePath().safeParse("relative.prom").success, false, "absolutePath stays absolute-only");
});
