/**
 * A plugin written in its own project, outside this repository (with its own deno.json, as a user's would
 * have), imports the public API (src/mod.ts), type-checks there, and runs in the agent under -r.
 */
import assert from "node:assert/strict";
import { ROOT, ROOT_FLAG } from "../helpers/wca_process.ts";
import { spawnUntil } from "../helpers/spawned.ts";
import { userProject } from "../helpers/plugin_project.ts";

Deno.test("a plugin in another project type-checks against src/mod.ts with that project's deno.json", async () => {
  const dir = await userProject();
  try {
    const check = await spawnUntil(Deno.execPath(), ["check", "greeter.ts"], {
      cwd: dir,
      timeoutMs: 300_000,
    });
    assert.equal(check.code, 0, check.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a plugin in another project runs in the agent under -r, started from that project", async () => {
  const dir = await userProject();
  try {
    const run = await spawnUntil(
      Deno.execPath(),
      ["run", "-A", `${ROOT}src/main.ts`, "-c", "agent.yaml", "-r", "greeter.ts", ...ROOT_FLAG],
      { cwd: dir, until: ({ stdout }) => stdout.includes("greetings from outside: true") },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^greetings from outside: true$/m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
