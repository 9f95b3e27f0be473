import assert from "node:assert/strict";
import { absolutePath, hostPort, parseHostPort, url } from "../../src/config/schema.ts";

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
