/**
 * An HTTPMetricsStorage in a process of its own, for tests that measure the server's memory and
 * descriptors without counting the client's sockets. Serves a realistic batch on a free loopback port,
 * prints `{"port": N}` on stdout, and runs until its stdin closes.
 * Usage: deno run -A tests/storages/http_burst_server.ts '{"header_timeout": 1}'
 */
import { HTTPMetricsStorage } from "../../src/storages/http_storage.ts";
import { realisticBatch } from "../metrics/sample_batch.ts";

const storage = new HTTPMetricsStorage(JSON.parse(Deno.args[0] ?? "{}"), undefined, { port: 0 });
storage.store(realisticBatch({ tasks: 20, cpus: 8 }));
console.log(JSON.stringify({ port: storage.address.port }));
for await (const _ of Deno.stdin.readable) {
  // nothing to read; the loop ends when the test closes stdin
}
await storage.close();
