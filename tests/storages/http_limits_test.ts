/**
 * HTTPMetricsStorage's connection limits end to end on real loopback sockets: max_connections_per_address
 * reaches the server, and what it dropped shows in wca_http_connections_dropped_total.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { HTTPMetricsStorage } from "../../src/storages/http_storage.ts";

/** A silent client from `localAddress`; `closed` settles when the server closes the connection. */
function silentClient(port: number, localAddress: string): { socket: net.Socket; closed: Promise<void> } {
  const socket = net.connect({ host: "127.0.0.1", port, localAddress });
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  socket.on("error", () => {}); // a reset is a close too
  socket.resume(); // read (and drop) a 503, so that the close is seen
  return { socket, closed };
}

async function until(what: string, condition: () => boolean, withinMs = 3000): Promise<void> {
  for (const start = Date.now(); !condition();) {
    if (Date.now() - start > withinMs) assert.fail(`not within ${withinMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

Deno.test("HTTPMetricsStorage: connections over max_connections_per_address are refused and counted", async () => {
  const storage = new HTTPMetricsStorage(
    { listen: "127.0.0.1:9192", max_connections_per_address: 2 },
    undefined,
    { port: 0 },
  );
  const clients: net.Socket[] = [];
  try {
    const dropped = () =>
      Object.fromEntries(
        storage.healthMetrics().map((m) => [`${m.labels.limit}/${m.labels.dropped}`, m.value]),
      );
    assert.deepEqual(dropped(), {
      "max_connections/oldest_waiting": 0,
      "max_connections/new": 0,
      "max_connections_per_address/new": 0,
    });
    const port = storage.address.port;
    let closed = 0;
    for (let i = 0; i < 4; i++) {
      const client = silentClient(port, "127.0.0.2");
      clients.push(client.socket);
      client.closed.then(() => closed++);
    }
    await until("two of 127.0.0.2's four connections refused", () => closed === 2);
    await until("two of them held", () => storage.connections === 2);
    storage.store([]);
    const http = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
    const response = await fetch(storage.url, { client: http });
    assert.equal(response.status, 200, "127.0.0.1 is served");
    await response.body?.cancel();
    http.close();
    assert.equal(dropped()["max_connections_per_address/new"], 2);
    const labels = storage.healthMetrics()[0]!.labels;
    assert.deepEqual(labels, {
      storage: "HTTPMetricsStorage",
      listen: `127.0.0.1:${port}`,
      limit: "max_connections",
      dropped: "oldest_waiting",
    });
  } finally {
    for (const socket of clients) socket.destroy();
    await storage.close();
  }
});
