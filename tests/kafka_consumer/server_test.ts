/**
 * The consumer's endpoint is the agent's BoundedHttpServer with HTTPMetricsStorage's default limits: one
 * address that holds many silent connections is refused beyond max_connections_per_address, and a
 * scrape from another address is still served. Real loopback sockets.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { LatestMessageServer } from "../../src/kafka_consumer/server.ts";
import { DEFAULT_HTTP_LIMITS } from "../../src/storages/http_server.ts";

Deno.test("LatestMessageServer: one address holding many connections does not lock a scraper out", async () => {
  const server = new LatestMessageServer("127.0.0.1", 0);
  const sockets: net.Socket[] = [];
  try {
    server.update("wca_up 1\n");
    const perAddress = DEFAULT_HTTP_LIMITS.maxConnectionsPerAddress;
    const closed: string[] = [];
    for (let i = 0; i < perAddress + 4; i++) {
      const socket = net.connect({ host: "127.0.0.1", port: server.address.port, localAddress: "127.0.0.2" });
      socket.setEncoding("latin1");
      socket.on("error", () => {});
      let text = "";
      socket.on("data", (chunk: string) => text += chunk);
      socket.on("close", () => closed.push(text));
      sockets.push(socket);
    }
    // The held ones stay open for header_timeout (5 s); the four beyond the limit are refused at once.
    for (const start = Date.now(); closed.length < 4;) {
      if (Date.now() - start > 3000) assert.fail(`${closed.length} of 4 connections refused`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    for (const text of closed) assert.match(text, /^HTTP\/1\.1 503 /);
    const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
    const response = await fetch(`http://127.0.0.1:${server.address.port}/metrics`, { client });
    assert.equal(await response.text(), "wca_up 1\n");
    client.close();
    assert.equal(closed.length, 4, "the held connections are still open");
  } finally {
    for (const socket of sockets) socket.destroy();
    await server.close();
  }
});
