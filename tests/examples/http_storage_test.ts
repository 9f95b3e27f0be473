import assert from "node:assert/strict";
import { registerFrom, Registry } from "../../src/components/mod.ts";
import { BUILTIN_COMPONENTS } from "../../src/builtins.ts";
import { buildRunner, parseConfigText } from "../../src/config/mod.ts";
import { metric } from "../../src/metrics/metric.ts";
import { defaultHostPaths } from "../../src/platform/host_paths.ts";
import { ROOT } from "../helpers/wca_process.ts";

async function exampleRegistry(): Promise<Registry> {
  const registry = new Registry(BUILTIN_COMPONENTS);
  assert.deepEqual(await registerFrom(registry, `${ROOT}examples/http_storage.ts`), [
    "HTTPStorage",
    "HttpStorage",
  ]);
  return registry;
}

Deno.test("the HTTP storage example registers with -r MODULE and POSTs each batch as JSON", async () => {
  const received: unknown[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    received.push(await request.json());
    return new Response("ok");
  });
  try {
    const registry = await exampleRegistry();
    const storage = new (registry.get("HTTPStorage")!)({
      http_endpoint: `http://127.0.0.1:${server.addr.port}/`,
      timeout: 2,
    }, { hostPaths: defaultHostPaths() }) as { store(metrics: unknown[]): Promise<void> };
    await storage.store([metric("wca_tasks", 3), metric("wca_up", 1)]);
    assert.deepEqual(received, [{ wca_tasks: 3, wca_up: 1 }]);
  } finally {
    await server.shutdown();
  }
});

Deno.test("the HTTP storage example's parameters are validated like a built-in's", async () => {
  const config = parseConfigText(
    "c.yaml",
    "runner: !FilterStorage\n  storages: [!HTTPStorage {http_endpoint: 'ftp://x'}]\n",
  );
  const components = await exampleRegistry();
  assert.throws(() => buildRunner(config, { components }), {
    message:
      `c.yaml:2:43: Invalid value "ftp://x" for field 'http_endpoint' in !HTTPStorage: expected a URL with scheme http or https`,
  });
});

Deno.test("WCA's -r line for the HTTP storage (MODULE:HTTPStorage) works, and the old name is the same class", async () => {
  const registry = new Registry(BUILTIN_COMPONENTS);
  assert.deepEqual(await registerFrom(registry, `${ROOT}examples/http_storage.ts:HTTPStorage`), [
    "HTTPStorage",
  ]);
  const both = await exampleRegistry();
  assert.equal(both.get("HttpStorage"), both.get("HTTPStorage"));
});
