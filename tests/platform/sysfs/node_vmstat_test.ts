import assert from "node:assert/strict";
import { parseNodeVmstat, readNodeVmstat } from "../../../src/platform/sysfs/node_vmstat.ts";
import { defaultHostPaths } from "../../../src/platform/host_paths.ts";
import { readOnlineNodes } from "../../../src/platform/sysfs/node_online.ts";
import { fixturePaths, SCENARIOS } from "../_helpers.ts";

Deno.test("parseNodeVmstat: real, empty and malformed input", () => {
  assert.deepEqual({ ...parseNodeVmstat("nr_free_pages 1099861\nnuma_hit 5\n") }, {
    nr_free_pages: 1099861,
    numa_hit: 5,
  });
  assert.deepEqual({ ...parseNodeVmstat("") }, {});
  const skipped: string[] = [];
  assert.deepEqual(
    { ...parseNodeVmstat("numa_hit five\nnuma_miss 2\n", undefined, (m) => skipped.push(m)) },
    {
      numa_miss: 2,
    },
  );
  assert.deepEqual(skipped, [`node/vmstat:1: skipped "numa_hit five": expected "key integer"`]);
});

Deno.test("readNodeVmstat on fixtures and on this machine", () => {
  for (const scenario of SCENARIOS) {
    const paths = fixturePaths(scenario);
    const nodes = readOnlineNodes(paths);
    const stats = readNodeVmstat(paths, nodes);
    assert.deepEqual([...stats.keys()], nodes, scenario);
    for (const values of stats.values()) assert.ok("nr_free_pages" in values, scenario);
  }
  const real = defaultHostPaths();
  for (const values of readNodeVmstat(real, readOnlineNodes(real)).values()) {
    assert.ok(values["nr_free_pages"]! > 0);
  }
});
