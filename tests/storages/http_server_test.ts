/** BoundedHttpServer over real sockets (Deno.connect): what a client can hold is bounded. */
import assert from "node:assert/strict";
import { BoundedHttpServer, type HttpLimits } from "../../src/storages/http_server.ts";
import { RecordingLog } from "../helpers/recording_log.ts";

const LIMITS: HttpLimits = { headerTimeout: 300, idleTimeout: 400, maxConnections: 8 };

async function withServer(
  limits: Partial<HttpLimits>,
  body: (server: BoundedHttpServer, log: RecordingLog) => Promise<void>,
): Promise<void> {
  const log = new RecordingLog();
  const server = new BoundedHttpServer(
    { hostname: "127.0.0.1", port: 0 },
    { ...LIMITS, ...limits },
    (head) => ({
      status: 200,
      body: `${head.method} ${head.target}\n`,
      headers: { "content-type": "text/plain" },
    }),
    log,
  );
  try {
    await body(server, log);
  } finally {
    await server.close();
  }
}

const connect = (server: BoundedHttpServer) =>
  Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });

/**
 * Everything the server sends until it closes the connection. Fails if it is still open after
 * `withinMs`: the bound is the behaviour under test (a silent client is dropped), not a benchmark.
 */
async function readUntilClosed(conn: Deno.Conn, withinMs: number): Promise<string> {
  let timedOut = false;
  const guard = setTimeout(() => {
    timedOut = true;
    conn.close();
  }, withinMs);
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  const buffer = new Uint8Array(65536);
  try {
    for (;;) {
      const n = await conn.read(buffer).catch((error) => {
        if (error instanceof Deno.errors.ConnectionReset) return null;
        throw error;
      });
      if (n === null) break;
      chunks.push(buffer.slice(0, n));
    }
  } catch (error) {
    if (!timedOut) throw error;
  } finally {
    clearTimeout(guard);
  }
  assert.ok(!timedOut, `the server did not close the connection within ${withinMs} ms`);
  conn.close();
  return new TextDecoder().decode(await new Blob(chunks).arrayBuffer());
}

async function send(conn: Deno.Conn, text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  for (let written = 0; written < bytes.length;) written += await conn.write(bytes.subarray(written));
}

async function until(what: string, condition: () => boolean, withinMs = 3000): Promise<void> {
  for (const start = Date.now(); !condition();) {
    if (Date.now() - start > withinMs) assert.fail(`not within ${withinMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

Deno.test("BoundedHttpServer: a silent connection is closed after header_timeout, having been sent nothing", () =>
  withServer({}, async (server) => {
    const conn = await connect(server);
    await until("the server holds the connection", () => server.connections === 1);
    assert.equal(await readUntilClosed(conn, 3000), "");
    await until("the connection is released", () => server.connections === 0);
  }));

Deno.test("BoundedHttpServer: a head sent a byte at a time is cut off by header_timeout", () =>
  withServer({}, async (server) => {
    const conn = await connect(server);
    const trickle = (async () => {
      for (const c of "GET /metrics HTTP/1.1\r\nHost: a\r\nX-Slow: " + "x".repeat(200)) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        if (await conn.write(new TextEncoder().encode(c)).then(() => false, () => true)) return;
      }
    })();
    assert.equal(await readUntilClosed(conn, 3000), "");
    await trickle;
  }));

Deno.test("BoundedHttpServer: keep-alive serves several requests, pipelined ones too, then idles out", () =>
  withServer({}, async (server) => {
    const conn = await connect(server);
    await send(conn, "GET /a HTTP/1.1\r\nHost: x\r\n\r\nHEAD /b HTTP/1.1\r\nHost: x\r\n\r\n");
    await new Promise((resolve) => setTimeout(resolve, 100));
    await send(conn, "GET /c?q HTTP/1.1\r\nHost: x\r\n\r\n");
    const text = await readUntilClosed(conn, 3000); // closed by idle_timeout after the last answer
    const ok = (body: string, close = false) =>
      `HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: ${body.length}\r\n` +
      (close ? "connection: close\r\n" : "") + "\r\n";
    assert.equal(text, ok("GET /a\n") + "GET /a\n" + ok("HEAD /b\n") + ok("GET /c?q\n") + "GET /c?q\n");
  }));

Deno.test("BoundedHttpServer: Connection: close, a body, a bad head, a huge head: answered, then closed", () =>
  withServer({}, async (server) => {
    const cases: [string, RegExp][] = [
      [
        "GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        /^HTTP\/1\.1 200 OK\r\n[^]*connection: close\r\n\r\nGET \/a\n$/,
      ],
      [
        "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody",
        /^HTTP\/1\.1 200 OK\r\n[^]*connection: close\r\n/,
      ],
      [
        "GET / HTTP/1.1\r\n\r\n",
        /^HTTP\/1\.1 400 Bad Request\r\n[^]*connection: close\r\n\r\nmissing Host header\n$/,
      ],
      ["GET / HTTP/3.0\r\nHost: x\r\n\r\n", /^HTTP\/1\.1 505 HTTP Version Not Supported\r\n/],
      [
        "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(9000) + "\r\n\r\n",
        /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n[^]*\r\n\r\nRequest head larger than 8 KiB\n$/,
      ],
    ];
    for (const [request, expected] of cases) {
      const conn = await connect(server);
      await send(conn, request).catch(() => {}); // the server may close before reading all of a huge head
      assert.match(await readUntilClosed(conn, 1000), expected, request.slice(0, 40));
    }
  }));

Deno.test("BoundedHttpServer: connections over max_connections get 503 and are closed; said once per streak", () =>
  withServer({ maxConnections: 3, headerTimeout: 1500 }, async (server, log) => {
    const held = await Promise.all([1, 2, 3].map(() => connect(server)));
    await until("three connections held", () => server.connections === 3);
    for (let i = 0; i < 5; i++) {
      const extra = await connect(server);
      assert.match(
        await readUntilClosed(extra, 1000),
        /^HTTP\/1\.1 503 Service Unavailable\r\n[^]*connection: close\r\n\r\nToo many connections\n$/,
      );
    }
    assert.equal(server.connections, 3);
    assert.deepEqual(log.warnings, [
      "refusing connections: 3 are open (max_connections); reported again after the next accepted one",
    ]);
    for (const conn of held) conn.close();
    await until("the held connections are released", () => server.connections === 0);
    const served = await connect(server);
    await send(served, "GET /again HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert.match(await readUntilClosed(served, 1000), /GET \/again\n$/);
    assert.deepEqual(log.infos, ["accepting connections again after refusing 5 over max_connections"]);
  }));

Deno.test("BoundedHttpServer: close() drops open connections and stops listening", async () => {
  const log = new RecordingLog();
  const server = new BoundedHttpServer({ hostname: "127.0.0.1", port: 0 }, {
    ...LIMITS,
    headerTimeout: 60_000,
  }, () => ({
    status: 200,
  }), log);
  const conn = await connect(server);
  await until("the connection is held", () => server.connections === 1);
  await server.close();
  assert.equal(await readUntilClosed(conn, 1000), "");
  await assert.rejects(() => connect(server), Deno.errors.ConnectionRefused);
  await server.close();
  assert.deepEqual(log.warnings, []);
});
