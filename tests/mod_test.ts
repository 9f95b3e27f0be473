/** The public plugin API: usable without permissions, and it does not pull the agent in. */
import assert from "node:assert/strict";

const MOD = new URL("../src/mod.ts", import.meta.url).pathname;

Deno.test("src/mod.ts imports nothing of the agent: no runner, source, node, storage, FFI or composition root", async () => {
  const { code, stdout } = await new Deno.Command(Deno.execPath(), { args: ["info", "--json", MOD] })
    .output();
  assert.equal(code, 0);
  const info = JSON.parse(new TextDecoder().decode(stdout)) as { modules: { specifier: string }[] };
  const local = info.modules.map((m) => m.specifier).filter((s) => s.startsWith("file:"))
    .map((s) => s.slice(s.indexOf("/src/") + 1));
  assert.ok(local.includes("src/components/interfaces.ts"));
  const agent = local.filter((path) =>
    /^src\/(runners|sources|perf|nodes|storages|builtins\.ts|main\.ts)|^ffi\//.test(path) ||
    path.includes("/ffi/")
  );
  assert.deepEqual(agent, []);
});

Deno.test("src/mod.ts loads with no permissions and exports the plugin surface", async () => {
  const script = `
    const m = await import(${JSON.stringify(MOD)});
    const names = ["register", "params", "text", "component", "getLogger", "metric", "ContendedResource",
      "AllocationType", "AnomalyDetectorInterface", "AllocatorInterface", "FieldError", "WCA_VERSION"];
    const missing = names.filter((n) => m[n] === undefined);
    if (missing.length) throw new Error("missing " + missing.join(", "));
    console.log("ok " + m.ContendedResource.CPUS);
  `;
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(file, script);
  // `deno run` without any --allow flag: a module that read a host file or the environment would fail.
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--config", new URL("../deno.json", import.meta.url).pathname, file],
    env: { NO_COLOR: "1" },
  }).output().finally(() => Deno.remove(file));
  const text = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
  assert.equal(code, 0, text);
  assert.equal(new TextDecoder().decode(stdout).trim(), "ok cpus");
});
