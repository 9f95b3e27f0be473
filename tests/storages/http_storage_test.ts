/** HTTPMetricsStorage over real HTTP on 127.0.0.1, ephemeral ports. */
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { Registry } from "../../src/components/registry.ts";
import { buildRunner, ConfigError, parseConfigText } from "../../src/config/mod.ts";
import { processHub } from "../../src/logging/mod.ts";
import { encodeMetrics, type Metric, metric, MetricEncodingError } from "../../src/metrics/mod.ts";
import { MetricsEncoder } from "../../src/metrics/prometheus.ts";
import {
  acceptsGzip,
  DEFAULT_LISTEN,
  HTTPMetricsStorage,
  type HTTPMetricsStorageParams,
  ListenError,
  listenFailureReason,
  PROMETHEUS_CONTENT_TYPE,
} from "../../src/storages/http_storage.ts";
import { TestLoop } from "../config/test_components.ts";
import { realisticBatch } from "../metrics/sample_batch.ts";
import { storageContract } from "./contract.ts";

/** A storage on a free loopback port. */
function ephemeral(params: HTTPMetricsStorageParams = {}, now?: () => number): HTTPMetricsStorage {
  const io = now ? { port: 0, now } : { port: 0 };
  return new HTTPMetricsStorage({ listen: "127.0.0.1:9192", ...params }, undefined, io);
}

async function withStorage(
  body: (storage: HTTPMetricsStorage) => Promise<void>,
  params: HTTPMetricsStorageParams = {},
): Promise<void> {
  const storage = ephemeral(params);
  try {
    await body(storage);
  } finally {
    await storage.close();
  }
}

interface Scraped {
  status: number;
  headers: Headers;
  body: string;
}

/** One request; the body is always read, so no connection or resource is left behind. */
async function request(url: string, init: RequestInit = {}): Promise<Scraped> {
  const response = await fetch(url, init);
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/**
 * Open descriptors of this process that are TCP sockets with `port` at either end: the listener, its
 * accepted connections and our clients'. Counted by port, not in total, because `deno test --parallel`
 * runs other test files in this same process.
 */
function socketFdsOnPort(port: number): number {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of Deno.readTextFileSync(table).split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/); // sl local rem st queues tr retrnsmt uid timeout inode
      if (fields.length < 10 || fields[9] === "0") continue;
      const ports = [fields[1]!, fields[2]!].map((address) => parseInt(address.split(":")[1]!, 16));
      if (ports.includes(port)) inodes.add(fields[9]!);
    }
  }
  let count = 0;
  for (const entry of Deno.readDirSync("/proc/self/fd")) {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(Deno.readLinkSync(`/proc/self/fd/${entry.name}`))?.[1];
      if (inode !== undefined && inodes.has(inode)) count++;
    } catch {
      // closed while we looked
    }
  }
  return count;
}

function batch(round: number): Metric[] {
  return [
    metric("wca_up", 1_700_000_000.5 + round, { host: "node-1" }),
    metric("wca_tasks", round, { host: "node-1" }),
    metric("task_cpu_usage_seconds", 12.5 * round, { host: "node-1", task_id: "t1", cpu: "10" }),
    metric("task_cpu_usage_seconds", 3 * round, { host: "node-1", task_id: "t1", cpu: "2" }),
  ];
}

// Every storage logs its URL at info; the tests start dozens.
processHub().configure([["wca.storage.http", "WARNING"]]);

storageContract("HTTPMetricsStorage", () => ({ storage: ephemeral() }));

Deno.test("HTTPMetricsStorage: 503 with a short text before the first batch", () =>
  withStorage(async (storage) => {
    const response = await request(storage.url);
    assert.equal(response.status, 503);
    assert.equal(response.headers.get("content-type"), "text/plain; charset=utf-8");
    assert.match(response.body, /^No metrics yet/);
    assert.ok(response.body.length < 100);
  }));

Deno.test("HTTPMetricsStorage: serves the encoder's output with the Prometheus content type", () =>
  withStorage(async (storage) => {
    const metrics = batch(3);
    storage.store(metrics);
    const response = await request(storage.url);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), PROMETHEUS_CONTENT_TYPE);
    assert.equal(PROMETHEUS_CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
    assert.equal(response.body, encodeMetrics(metrics, { timestamps: false }));
    assert.doesNotMatch(response.body, / \d{13}\n/); // no timestamps by default
  }));

Deno.test("HTTPMetricsStorage: include_timestamp adds the store time to samples without one", async () => {
  const storage = ephemeral({ include_timestamp: true }, () => 1_700_000_123_456);
  try {
    const metrics = [
      ...batch(1),
      metric("wca_tasks", 1, { host: "other" }, { timestamp: 1_600_000_000_000 }),
    ];
    storage.store(metrics);
    const { body } = await request(storage.url);
    assert.equal(body, encodeMetrics(metrics, { timestamps: true, now: 1_700_000_123_456 }));
    assert.match(body, /wca_tasks\{host="node-1"\} 1 1700000123456\n/);
    assert.match(body, /wca_tasks\{host="other"\} 1 1600000000000\n/);
  } finally {
    await storage.close();
  }
});

Deno.test("HTTPMetricsStorage: the latest batch replaces the previous one", () =>
  withStorage(async (storage) => {
    storage.store(batch(1));
    assert.match((await request(storage.url)).body, /wca_tasks\{host="node-1"\} 1\n/);
    storage.store(batch(2));
    const { body } = await request(storage.url);
    assert.equal(body, encodeMetrics(batch(2), { timestamps: false }));
    storage.store([]);
    const empty = await request(storage.url);
    assert.equal(empty.status, 200);
    assert.equal(empty.body, "");
  }));

Deno.test("HTTPMetricsStorage: an invalid batch throws and the previous batch stays served", () =>
  withStorage(async (storage) => {
    storage.store(batch(1));
    assert.throws(
      () => storage.store([metric("wca_tasks", 1, { host: "a" }), metric("wca_tasks", 2, { host: "a" })]),
      MetricEncodingError,
    );
    assert.equal((await request(storage.url)).body, encodeMetrics(batch(1), { timestamps: false }));
  }));

Deno.test("HTTPMetricsStorage: HEAD answers the headers of GET without a body", () =>
  withStorage(async (storage) => {
    storage.store(batch(1));
    const expected = new TextEncoder().encode(encodeMetrics(batch(1), { timestamps: false })).length;
    const head = await request(storage.url, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-type"), PROMETHEUS_CONTENT_TYPE);
    assert.equal(head.headers.get("content-length"), String(expected));
    assert.equal(head.body, "");
  }));

Deno.test("HTTPMetricsStorage: 404 for other paths, 405 for other methods", () =>
  withStorage(async (storage) => {
    storage.store(batch(1));
    const base = storage.url.replace(/\/metrics$/, "");
    for (const path of ["/metric", "/metrics/", "/favicon.ico", "/x/metrics"]) {
      const response = await request(base + path);
      assert.equal(response.status, 404, path);
      assert.match(response.body, /metrics are at \/metrics/);
    }
    for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
      for (const path of ["/metrics", "/"]) {
        const response = await request(base + path, { method, body: method === "POST" ? "x" : null });
        assert.equal(response.status, 405, `${method} ${path}`);
        assert.equal(response.headers.get("allow"), "GET, HEAD");
      }
    }
    const query = await request(`${storage.url}?format=text`);
    assert.equal(query.status, 200); // a query string does not change the path
  }));

Deno.test("HTTPMetricsStorage: / links to the metrics", () =>
  withStorage(async (storage) => {
    const base = storage.url.replace(/\/metrics$/, "");
    const response = await request(`${base}/`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "text/html; charset=utf-8");
    assert.match(response.body, /<a href="\/metrics">Metrics<\/a>/);
  }));

Deno.test("HTTPMetricsStorage: a custom path", () =>
  withStorage(async (storage) => {
    storage.store(batch(1));
    assert.match(storage.url, /^http:\/\/127\.0\.0\.1:\d+\/wca\/metrics$/);
    assert.equal((await request(storage.url)).status, 200);
    const base = storage.url.replace(/\/wca\/metrics$/, "");
    assert.equal((await request(`${base}/metrics`)).status, 404);
    assert.match((await request(`${base}/`)).body, /href="\/wca\/metrics"/);
  }, { path: "/wca/metrics" }));

Deno.test("HTTPMetricsStorage: gzip when the client accepts it, made once per batch", () =>
  withStorage(async (storage) => {
    const metrics = realisticBatch({ tasks: 4, cpus: 8 });
    storage.store(metrics);
    const text = encodeMetrics(metrics, { timestamps: false });
    const raw = async (encoding: string) => {
      // Deno.connect, not fetch: fetch would undo the compression and hide what was sent.
      const conn = await Deno.connect({ hostname: storage.address.hostname, port: storage.address.port });
      const head =
        `GET /metrics HTTP/1.1\r\nHost: x\r\nAccept-Encoding: ${encoding}\r\nConnection: close\r\n\r\n`;
      await conn.write(new TextEncoder().encode(head));
      const bytes = new Uint8Array(await new Response(conn.readable).arrayBuffer());
      const split = bytes.findIndex((_, i) => bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13);
      return {
        headers: new TextDecoder().decode(bytes.subarray(0, split)).toLowerCase(),
        body: bytes.subarray(split + 4),
      };
    };
    const zipped = await raw("gzip, deflate");
    assert.match(zipped.headers, /content-encoding: gzip/);
    assert.match(zipped.headers, /vary: accept, accept-encoding/);
    assert.ok(zipped.body.length < text.length / 3);
    assert.equal(new TextDecoder().decode(gunzipSync(zipped.body)), text);
    const again = await raw("gzip");
    assert.deepEqual(again.body, zipped.body);
    const plain = await raw("identity");
    assert.doesNotMatch(plain.headers, /content-encoding/);
    assert.equal(new TextDecoder().decode(plain.body), text);
    const refused = await raw("gzip;q=0, br");
    assert.doesNotMatch(refused.headers, /content-encoding/);
  }));

Deno.test("HTTPMetricsStorage: acceptsGzip reads Accept-Encoding", () => {
  const cases: [string | null, boolean][] = [
    [null, false],
    ["", false],
    ["gzip", true],
    ["GZIP", true],
    ["deflate, gzip;q=0.5", true],
    ["gzip;q=0", false],
    ["gzip; q=0.0", false],
    ["identity", false],
    ["*", true],
    ["*;q=0", false],
    ["gzip;q=0, *", false],
    ["br, x-gzip", true],
  ];
  for (const [header, expected] of cases) assert.equal(acceptsGzip(header), expected, String(header));
});

Deno.test("HTTPMetricsStorage: concurrent scrapes all get the whole batch", () =>
  withStorage(async (storage) => {
    const metrics = realisticBatch({ tasks: 10, cpus: 16 });
    storage.store(metrics);
    const text = encodeMetrics(metrics, { timestamps: false });
    const scrapes = Array.from(
      { length: 40 },
      (_, i) => request(storage.url, { headers: { "accept-encoding": i % 2 ? "gzip" : "identity" } }),
    );
    for (const response of await Promise.all(scrapes)) {
      assert.equal(response.status, 200);
      assert.equal(response.body, text);
    }
  }, { max_connections_per_address: 64 })); // all 40 come from 127.0.0.1 at once

Deno.test("HTTPMetricsStorage: close is idempotent, stops serving, refuses later batches", async () => {
  const storage = ephemeral();
  storage.store(batch(1));
  const url = storage.url;
  assert.equal((await request(url)).status, 200); // leaves a keep-alive connection in fetch's pool
  await Promise.all([storage.close(), storage.close()]);
  await storage.close();
  await assert.rejects(fetch(url), TypeError);
  assert.throws(() => storage.store(batch(2)), /is closed/);
});

Deno.test("HTTPMetricsStorage: no socket stays open after close (/proc/self/fd)", async () => {
  const storage = ephemeral();
  const port = storage.address.port;
  assert.equal(socketFdsOnPort(port), 1, "the listener");
  const client = Deno.createHttpClient({});
  try {
    storage.store(realisticBatch());
    for (let i = 0; i < 5; i++) {
      const response = await fetch(storage.url, { client, headers: { "accept-encoding": "gzip" } });
      await response.arrayBuffer();
    }
    assert.equal(socketFdsOnPort(port), 3, "the listener and both ends of a kept-alive connection");
  } finally {
    client.close();
    await storage.close();
  }
  assert.equal(socketFdsOnPort(port), 0);
});

Deno.test("HTTPMetricsStorage: a port in use is a ListenError naming the address and the reason", async () => {
  const first = ephemeral();
  try {
    const port = first.address.port;
    try {
      new HTTPMetricsStorage({ listen: `127.0.0.1:${port}` });
      assert.fail("expected a ListenError");
    } catch (e) {
      assert.ok(e instanceof ListenError);
      assert.equal(e.address, `127.0.0.1:${port}`);
      assert.equal(
        e.message,
        `cannot listen on 127.0.0.1:${port}: the address is already in use (another wca or exporter may ` +
          `be running; choose another port with 'listen')`,
      );
      assert.ok(e.cause instanceof Deno.errors.AddrInUse);
    }
  } finally {
    await first.close();
  }
});

Deno.test("HTTPMetricsStorage: the config loader reports a bind failure with file:line:col", () => {
  const blocker = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (blocker.addr as Deno.NetAddr).port;
    const yaml = `runner: !TestLoop\n  storage: !HTTPMetricsStorage\n    listen: 127.0.0.1:${port}\n`;
    const registry = new Registry({ TestLoop, HTTPMetricsStorage });
    assert.throws(
      () => buildRunner(parseConfigText("agent.yaml", yaml), { components: registry }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message.startsWith(
          `agent.yaml:2:12: Cannot create !HTTPMetricsStorage: cannot listen on 127.0.0.1:${port}: ` +
            "the address is already in use",
        ),
    );
  } finally {
    blocker.close();
  }
});

Deno.test("HTTPMetricsStorage: an address of another machine is refused with the reason", () => {
  // 192.0.2.1 is TEST-NET-1 (RFC 5737): never assigned to this host, so bind fails without traffic.
  assert.throws(
    () => new HTTPMetricsStorage({ listen: "192.0.2.1:9192" }),
    (e: unknown) =>
      e instanceof ListenError && e.message === "cannot listen on 192.0.2.1:9192: the address does not " +
          "belong to this machine (use one of its addresses, 127.0.0.1 or 0.0.0.0)",
  );
});

Deno.test("HTTPMetricsStorage: listenFailureReason explains permission problems", () => {
  assert.match(listenFailureReason(new Deno.errors.PermissionDenied("os error 13")), /below 1024/);
  assert.match(listenFailureReason(new Deno.errors.NotCapable("net")), /--allow-net/);
  assert.equal(listenFailureReason(new Error("failed to lookup address")), "failed to lookup address");
});

Deno.test("HTTPMetricsStorage: serves on IPv6 loopback", async () => {
  const storage = new HTTPMetricsStorage({ listen: "[::1]:9192" }, undefined, { port: 0 });
  try {
    assert.match(storage.url, /^http:\/\/\[::1\]:\d+\/metrics$/);
    storage.store(batch(1));
    assert.equal((await request(storage.url)).status, 200);
  } finally {
    await storage.close();
  }
});

Deno.test("HTTPMetricsStorage: parameters: defaults and validation", () => {
  const schema = HTTPMetricsStorage.schema;
  assert.deepEqual(schema.parse({}), {
    listen: DEFAULT_LISTEN,
    path: "/metrics",
    include_timestamp: false,
    header_timeout: 5,
    idle_timeout: 30,
    max_connections: 64,
    max_connections_per_address: 16,
  });
  assert.equal(DEFAULT_LISTEN, "127.0.0.1:9192");
  const refused = [
    { path: "metrics" },
    { path: "/a b" },
    { path: "/m?x=1" },
    { listen: "127.0.0.1:0" },
    { header_timeout: 0 },
    { idle_timeout: -1 },
    { max_connections: 0 },
    { max_connections: 1.5 },
    { max_connections_per_address: 0 },
    { max_connections_per_address: 10_001 },
  ];
  for (const bad of refused) {
    assert.equal(schema.safeParse(bad).success, false, JSON.stringify(bad));
  }
  assert.equal(schema.safeParse({ port: 1 }).success, false); // unknown fields are errors
});

/** Counts how often batches are written as text. */
class CountingEncoder extends MetricsEncoder {
  renders = 0;
  override render(...args: Parameters<MetricsEncoder["render"]>) {
    this.renders++;
    return super.render(...args);
  }
}

Deno.test("HTTPMetricsStorage: a batch is encoded when scraped, once per format, never when not scraped", async () => {
  const encoder = new CountingEncoder();
  const storage = new HTTPMetricsStorage({ listen: "127.0.0.1:9192" }, undefined, { port: 0, encoder });
  try {
    for (let round = 0; round < 5; round++) storage.store(batch(round));
    assert.equal(encoder.renders, 0, "batches no one scraped were encoded");
    for (let i = 0; i < 3; i++) {
      assert.equal((await request(storage.url)).body, encodeMetrics(batch(4), { timestamps: false }));
    }
    assert.equal(encoder.renders, 1);
    const openMetrics = await request(storage.url, { headers: { accept: "application/openmetrics-text" } });
    assert.equal(openMetrics.body, encodeMetrics(batch(4), { timestamps: false, format: "openmetrics" }));
    assert.equal(encoder.renders, 2);
    storage.store(batch(5));
    assert.equal((await request(storage.url)).body, encodeMetrics(batch(5), { timestamps: false }));
    assert.equal(encoder.renders, 3);
  } finally {
    await storage.close();
  }
});
