import assert from "node:assert/strict";
import { ENTRY_POINT_FLAGS } from "../../src/cli/permissions.ts";
import { ENTRY_POINTS } from "../../.ci/package.ts";

const config = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url))) as {
  tasks: Record<string, string>;
};

Deno.test("deno.json's tasks run each entry point with the flags of src/cli/permissions.ts", () => {
  for (const [name, entry] of Object.entries(ENTRY_POINT_FLAGS)) {
    const task = config.tasks[entry.task];
    assert.ok(task, `deno.json has no task '${entry.task}' for ${name}`);
    // The agent's task tells it the directory the user ran `deno task` in (relative -c and -r paths).
    const command = entry.task === "wca" ? task.replace(/^WCA_CWD="\$INIT_CWD" /, "") : task;
    assert.equal(command, `deno run ${entry.flags.join(" ")} ${entry.source}`, `task '${entry.task}'`);
  }
});

Deno.test("compile and bundle use the same flags for every entry point and workload wrapper", () => {
  for (const [name, entry] of Object.entries(ENTRY_POINT_FLAGS)) {
    const packaged = ENTRY_POINTS.find((point) => point.name === name);
    assert.ok(packaged, `.ci/package.ts has no entry point ${name}`);
    assert.deepEqual(packaged.permissions, entry.flags);
    assert.equal(packaged.source, entry.source);
  }
  for (const wrapper of ENTRY_POINTS.filter((point) => point.name.startsWith("wrapper-"))) {
    assert.deepEqual(wrapper.permissions, ENTRY_POINT_FLAGS.wrapper.flags, wrapper.name);
  }
});

Deno.test("only the wrapper may start processes, and nothing imports code over the network", () => {
  for (const [name, entry] of Object.entries(ENTRY_POINT_FLAGS)) {
    const flags: readonly string[] = entry.flags;
    assert.ok(flags.includes("--deny-import") || name === "wca", `${name} lacks --deny-import`);
    assert.ok(!flags.some((flag) => flag.startsWith("--allow-import")), name);
    if (name !== "wrapper") assert.ok(!flags.includes("--allow-run"), name);
  }
});
