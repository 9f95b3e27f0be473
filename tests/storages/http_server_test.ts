/** BoundedHttpServer over real sockets (Deno.connect): what a client can hold is bounded. */
import assert from "node:assert/strict";
import net from "node:net";
import {
  BoundedHttpServer,
  type HttpHandler,
  type HttpLimits,
  type HttpServerOptions,
} from "../../src/storages/http_server.ts";
import { RecordingLog } from "../helpers/recording_log.ts";

const LIMITS: HttpLimits = {
  headerTimeout: 300,
  idleTimeout: 400,
  maxConnections: 8,
  maxConnectionsPerAddress: 8,
};

const echo: HttpHandler = (head) => ({
  status: 200,
  body: `${head.method} ${head.target}\n`,
  headers: { "content-type": "text/plain" },
});

async function withServer(
  limits: Partial<HttpLimits>,
  body: (server: BoundedHttpServer, log: RecordingLog) => Promise<void>,
  handler: HttpHandler = echo,
  options: HttpServerOptions = { droppedMetric: "dropped_total" },
): Promise<void> {
  const log = new RecordingLog();
  const server = new BoundedHttpServer(
    { hostname: "127.0.0.1", port: 0 },
    { ...LIMITS, ...limits },
    handler,
    log,
    options,
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

/** Reads one response on a kept-alive connection: until its text ends with `body`. */
async function readResponse(conn: Deno.Conn, body: string): Promise<string> {
  const buffer = new Uint8Array(4096);
  let text = "";
  while (!text.endsWith(body)) {
    const n = await conn.read(buffer);
    if (n === null) assert.fail(`closed before the response ended: ${JSON.stringify(text)}`);
    text += new TextDecoder().decode(buffer.subarray(0, n));
  }
  return text;
}

/** A client socket from another loopback address (Deno.connect cannot choose its local address). */
class NodeSocket {
  readonly #socket: net.Socket;
  /** Everything received, once the server closes the connection. */
  readonly closed: Promise<string>;

  constructor(port: number, localAddress: string) {
    this.#socket = net.connect({ host: "127.0.0.1", port, localAddress });
    let text = "";
    this.#socket.setEncoding("latin1");
    this.#socket.on("data", (chunk: string) => text += chunk);
    this.closed = new Promise((resolve, reject) => {
      this.#socket.on("close", () => resolve(text));
      this.#socket.on("error", reject);
    });
  }

  send(text: string): void {
    this.#socket.write(text);
  }
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
        "GET /long HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Long: " + "z".repeat(5000) + "\r\n\r\n",
        /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nGET \/long\n$/,
      ],
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

Deno.test("BoundedHttpServer: at max_connections a newcomer closes the oldest connection waiting for a head", () =>
  withServer({ maxConnections: 3, headerTimeout: 5000, idleTimeout: 5000 }, async (server, log) => {
    const first = await connect(server);
    const kept = await connect(server);
    await send(kept, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
    assert.match(await readResponse(kept, "GET /a\n"), /^HTTP\/1\.1 200 OK\r\n/);
    const third = await connect(server); // waits since after `kept` began to wait again
    await until("three connections held", () => server.connections === 3);
    const fourth = await connect(server);
    assert.equal(await readUntilClosed(first, 1000), "", "the oldest silent connection is shed");
    const fifth = await connect(server);
    assert.equal(await readUntilClosed(kept, 1000), "", "then the kept-alive one, idle since its answer");
    for (const conn of [third, fourth, fifth]) {
      await send(conn, "GET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assert.match(await readUntilClosed(conn, 1000), /GET \/b\n$/);
    }
    assert.deepEqual(server.dropped, {
      shed: 2,
      refused: { max_connections: 0, max_connections_per_address: 0 },
    });
    assert.deepEqual(log.warnings, [
      "3 connections are open (max_connections): closing the oldest one still waiting for a request head " +
      "for each new one; counted in dropped_total; repeats are counted, not logged",
    ]);
  }));

Deno.test("BoundedHttpServer: one address holds at most max_connections_per_address; others are not affected", () =>
  withServer({ maxConnectionsPerAddress: 2, headerTimeout: 5000 }, async (server, log) => {
    const [first, second] = [await connect(server), await connect(server)];
    const other = new NodeSocket(server.addr.port, "127.0.0.2");
    await until("three connections held", () => server.connections === 3);
    assert.match(
      await readUntilClosed(await connect(server), 1000),
      /^HTTP\/1\.1 503 Service Unavailable\r\n[^]*connection: close\r\n\r\nToo many connections\n$/,
    );
    for (const conn of [first, second]) {
      await send(conn, "GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assert.match(await readUntilClosed(conn, 1000), /GET \/c\n$/);
    }
    other.send("GET /d HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert.match(await other.closed, /GET \/d\n$/, "127.0.0.2's connection is served");
    assert.deepEqual(server.dropped.refused, { max_connections: 0, max_connections_per_address: 1 });
    assert.deepEqual(log.warnings, [
      "refusing connections from 127.0.0.1 with 503: it holds 2 (max_connections_per_address); counted in " +
      "dropped_total; repeats are counted, not logged",
    ]);
  }));

Deno.test("BoundedHttpServer: when every connection is busy a newcomer gets 503; one warning per streak", () => {
  let clock = 1000;
  let release = () => {};
  const released = new Promise<void>((resolve) => release = resolve);
  let started = 0;
  const handler: HttpHandler = async (head) => {
    if (head.target === "/slow") {
      started++;
      await released;
    }
    return echo(head);
  };
  return withServer(
    { maxConnections: 2, headerTimeout: 5000 },
    async (server, log) => {
      const busy = [await connect(server), await connect(server)];
      for (const conn of busy) await send(conn, "GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      await until("both requests are being answered", () => started === 2);
      for (let i = 0; i < 5; i++) {
        assert.match(
          await readUntilClosed(await connect(server), 1000),
          /^HTTP\/1\.1 503 Service Unavailable\r\n[^]*connection: close\r\n\r\nToo many connections\n$/,
        );
      }
      assert.equal(log.warnings.length, 1);
      assert.match(
        log.warnings[0]!,
        /^2 connections are open \(max_connections\), all busy with requests: ref/,
      );
      assert.deepEqual(server.dropped.refused, { max_connections: 5, max_connections_per_address: 0 });
      release();
      for (const conn of busy) assert.match(await readUntilClosed(conn, 1000), /GET \/slow\n$/);
      await until("the busy connections are released", () => server.connections === 0);
      const served = async () => {
        const conn = await connect(server);
        await send(conn, "GET /again HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assert.match(await readUntilClosed(conn, 1000), /GET \/again\n$/);
      };
      await served();
      assert.deepEqual(log.infos, [], "the streak lasts until a quiet minute has passed");
      clock += 61_000;
      await served();
      assert.deepEqual(log.infos, [
        `the HTTP server on 127.0.0.1:${server.addr.port} works again after 61.0 s and 5 failed attempt(s)`,
      ]);
      assert.equal(log.warnings.length, 1);
    },
    handler,
    { now: () => clock },
  );
});

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
