/**
 * Least privilege from the runtime: the agent runs with the flags of src/cli/permissions.ts, and an
 * external component (a trusted local module, accepted by -r) that tries to start a process or to
 * import code over the network is stopped by Deno itself. The remote import is hidden from -r's static
 * check (built with `new Function`), as a module bent on it would; a local listener counts connections.
 * A control run with --allow-all shows the probes would succeed without the flags.
 */
import assert from "node:assert/strict";
import { ENTRY_POINT_FLAGS } from "../../src/cli/permissions.ts";
import { ROOT, ROOT_FLAG } from "../helpers/wca_process.ts";

const PROBES = `
export class SpawnRunner {
  run() {
    const marker = Deno.env.get("PROBE_MARKER");
    try {
      new Deno.Command("/bin/sh", { args: ["-c", "echo spawned > " + marker] }).outputSync();
      console.log("spawn: allowed");
    } catch (error) {
      console.log("spawn: " + error.name + ": " + error.message.split("\\n")[0]);
    }
  }
}

export class RemoteImportRunner {
  async run() {
    const load = new Function("url", "return import(url)");
    try {
      await load(Deno.env.get("PROBE_URL"));
      console.log("import: allowed");
    } catch (error) {
      console.log("import: " + error.name + ": " + error.message.split("\\n")[0]);
    }
  }
}
`;

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

async function runAgent(flags: readonly string[], dir: string, runner: string, env: Record<string, string>) {
  await Deno.writeTextFile(`${dir}/${runner}.yaml`, `runner: !${runner}\n`);
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...flags,
      "src/main.ts",
      "-c",
      `${dir}/${runner}.yaml`,
      "-r",
      `${dir}/probes.ts:${runner}`,
      ...ROOT_FLAG,
    ],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code: output.code, stdout: decoder.decode(output.stdout), stderr: decoder.decode(output.stderr) };
}

async function withProbes(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/probes.ts`, PROBES);
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("an external component cannot start a process: the runtime refuses it", async () => {
  await withProbes(async (dir) => {
    const marker = `${dir}/spawned`;
    const run = await runAgent(ENTRY_POINT_FLAGS.wca.flags, dir, "SpawnRunner", { PROBE_MARKER: marker });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^spawn: NotCapable: Requires run access to "\/bin\/sh"/);
    assert.equal(exists(marker), false);

    const control = await runAgent(["--allow-all"], dir, "SpawnRunner", { PROBE_MARKER: marker });
    assert.equal(control.stdout, "spawn: allowed\n", control.stderr);
    assert.equal(exists(marker), true, "the probe can spawn when the runtime allows it");
  });
});

Deno.test("an external component cannot import code over the network: no connection is made", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let connections = 0;
  const accepting = (async () => {
    for await (const conn of listener) {
      connections++;
      conn.close();
    }
  })().catch(() => {});
  try {
    const env = { PROBE_URL: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}/m.js` };
    await withProbes(async (dir) => {
      const run = await runAgent(ENTRY_POINT_FLAGS.wca.flags, dir, "RemoteImportRunner", env);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^import: TypeError: Requires import access to "127\.0\.0\.1:\d+"/);
      assert.equal(connections, 0, "the refused import reached the listener");

      const control = await runAgent(["--allow-all"], dir, "RemoteImportRunner", env);
      assert.match(control.stdout, /^import: /, control.stderr);
      assert.ok(connections > 0, "the probe reaches the listener when the runtime allows it");
    });
  } finally {
    listener.close();
    await accepting;
  }
});
