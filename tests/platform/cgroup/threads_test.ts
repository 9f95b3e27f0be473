import assert from "node:assert/strict";
import { readCgroupLayout } from "../../../src/platform/cgroup/mounts.ts";
import { readThreadIds } from "../../../src/platform/cgroup/threads.ts";
import { fixturePaths } from "../_helpers.ts";

Deno.test("readThreadIds: v1 tasks (every thread) and v2 cgroup.threads; undefined when the cgroup is gone", () => {
  const v1 = readCgroupLayout(fixturePaths("v1_comounted"));
  assert.deepEqual(readThreadIds(v1, "/task1"), [21873, 21874, 21875, 21901]);
  const v2Paths = fixturePaths("v2_unified");
  const v2 = readCgroupLayout(v2Paths);
  const expected = Deno.readTextFileSync(`${v2Paths.cgroup}/task1/cgroup.threads`).split("\n").filter(Boolean)
    .map(Number);
  assert.ok(expected.length > 0);
  assert.deepEqual(readThreadIds(v2, "/task1"), expected);
  assert.equal(readThreadIds(v1, "/no-such-task"), undefined);
});
