import assert from "node:assert/strict";
import * as sysfs from "../../../src/platform/sysfs/mod.ts";

Deno.test("sysfs surface: a reader beside each parser", () => {
  const surface = sysfs as Record<string, unknown>;
  for (
    const [parse, read] of [
      ["parseOnlineCpus", "readOnlineCpus"],
      ["parseTopologyId", "readCpuTopology"],
      ["parseOnlineNodes", "readOnlineNodes"],
      ["parseNodeMeminfo", "readNodeMeminfo"],
      ["parseNodeVmstat", "readNodeVmstat"],
    ]
  ) {
    assert.equal(typeof surface[parse!], "function", parse);
    assert.equal(typeof surface[read!], "function", read);
  }
});
