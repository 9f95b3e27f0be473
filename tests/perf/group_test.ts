/** PerfEventGroup on the real kernel (software events on this process) and its pure scaling. */
import assert from "node:assert/strict";
import { Libc } from "../../ffi/mod.ts";
import { PerfEventGroup, scaleGroupRead } from "../../src/perf/group.ts";
import { runIsolated } from "../helpers/isolated.ts";

Deno.test("fd accounting (counts /proc/self/fd, so in a process of its own)", async () => {
  await runIsolated(new URL("./group_fds_isolated.ts", import.meta.url));
});

Deno.test("scaleGroupRead: multiplexed, never enabled, and enabled but never running", () => {
  const halved = scaleGroupRead(["a", "b"], 2000, 1000, [10, 20]);
  assert.deepEqual([...halved.values], [["a", 20], ["b", 40]]);
  assert.equal(halved.scalingFactor, 2);
  const idle = scaleGroupRead(["a"], 0, 0, [0]);
  assert.equal(idle.scalingFactor, 1);
  assert.equal(idle.values.get("a"), 0);
  const starved = scaleGroupRead(["a"], 500, 0, [7]);
  assert.equal(starved.scalingFactor, Infinity);
  assert.equal(starved.values.get("a"), 0, "a count that never ran is not extrapolated");
  assert.equal(scaleGroupRead(["a", "a"], 1, 1, [1, 2]).values.get("a"), 3, "same name: summed");
});

Deno.test("an empty group is refused", () => {
  const libc = new Libc();
  try {
    assert.throws(() => PerfEventGroup.open(libc, [], { pid: 0, cpu: -1 }), /at least one event/);
  } finally {
    libc.unload();
  }
});
