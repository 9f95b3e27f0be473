/** Who closes what: the lifecycle closes what the config built, newest first, once each, on every exit. */
import assert from "node:assert/strict";
import { Lifecycle } from "../../src/components/lifecycle.ts";
import { main } from "../../src/main.ts";

Deno.test("Lifecycle: reverse order of construction, once each, an alias once, failures reported", async () => {
  const closed: string[] = [];
  const closable = (name: string, fail = false) => ({
    close() {
      closed.push(name);
      if (fail) throw new Error(`${name} broke`);
    },
  });
  const lifecycle = new Lifecycle();
  const storage = closable("storage");
  const node = closable("node", true);
  const runner = closable("runner");
  lifecycle.track(storage);
  lifecycle.track({ notClosable: true });
  lifecycle.track(node);
  lifecycle.track(storage); // an alias of the same instance
  lifecycle.track(runner);
  assert.equal(lifecycle.size, 3);
  assert.ok(lifecycle.owns(storage) && !lifecycle.owns(closable("other")));
  const errors: string[] = [];
  await lifecycle.closeAll((_, e) => errors.push((e as Error).message));
  assert.deepEqual(
    closed,
    ["runner", "node", "storage"],
    "newest first; a failing one does not stop the rest",
  );
  assert.deepEqual(errors, ["node broke"]);
  await lifecycle.closeAll(() => {});
  assert.deepEqual(closed, ["runner", "node", "storage"], "closed once");
  assert.throws(() => lifecycle.track(closable("late")), /after shutdown/);
});

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

Deno.test("main: a config mistake after an HTTP storage was built still releases its port (in this process)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const port = freePort();
    const config = `${dir}/config.yaml`;
    await Deno.writeTextFile(
      config,
      [
        "runner: !MeasurementRunner",
        "  metrics_storage: !HTTPMetricsStorage",
        `    listen: 127.0.0.1:${port}`,
        "  node: !StaticNode",
        "    tasks: [a]",
        "    no_such_field: 1",
        "",
      ].join("\n"),
      { mode: 0o600 },
    );
    const err: string[] = [];
    const code = await main(["-c", config, "--root"], { out: () => {}, err: (text) => err.push(text) });
    assert.equal(code, 1);
    assert.match(err.join(""), /Unknown field 'no_such_field'/);
    // Had the storage's server stayed open, this process could not listen on its port again.
    const listener = Deno.listen({ hostname: "127.0.0.1", port });
    listener.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
