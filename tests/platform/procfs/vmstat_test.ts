import assert from "node:assert/strict";
import { isVmstatEventCount, parseVmstat, readVmstat } from "../../../src/platform/procfs/vmstat.ts";
import { defaultHostPaths } from "../../../src/platform/host_paths.ts";
import { fixturePaths, SCENARIOS } from "../_helpers.ts";

Deno.test("parseVmstat: real, empty and malformed input", () => {
  assert.deepEqual({ ...parseVmstat("nr_free_pages 1099861\npgfault 973160\n") }, {
    nr_free_pages: 1099861,
    pgfault: 973160,
  });
  assert.deepEqual({ ...parseVmstat("") }, {});
  const skipped: string[] = [];
  assert.deepEqual({
    ...parseVmstat("nr_free_pages 1\npgfault\npgmajfault -x\n", "vmstat", (m) => skipped.push(m)),
  }, {
    nr_free_pages: 1,
  });
  assert.deepEqual(skipped, [
    `vmstat:2: skipped "pgfault": expected "key integer"`,
    `vmstat:3: skipped "pgmajfault -x": expected "key integer"`,
  ]);
});

Deno.test("readVmstat on fixtures and on this machine", () => {
  for (const scenario of SCENARIOS) {
    assert.ok((readVmstat(fixturePaths(scenario))["nr_free_pages"] ?? 0) > 0, scenario);
  }
  const real = readVmstat(defaultHostPaths());
  assert.ok(real["pgfault"]! > 0 && real["nr_free_pages"]! > 0);
});

Deno.test("isVmstatEventCount: event counts (counters) apart from current amounts (gauges), by the kernel's meaning", () => {
  const counts = [
    "pgfault",
    "numa_hint_faults",
    "numa_hit",
    "pgmigrate_success",
    "thp_fault_alloc",
    "oom_kill",
  ];
  const nrCounts = [
    "nr_dirtied",
    "nr_written",
    "nr_vmscan_write",
    "nr_foll_pin_acquired",
    "nr_tlb_remote_flush",
  ];
  const amounts = ["nr_free_pages", "nr_dirty", "nr_anon_pages", "nr_dirty_threshold", "workingset_nodes"];
  for (const key of [...counts, ...nrCounts]) assert.equal(isVmstatEventCount(key), true, key);
  for (const key of amounts) assert.equal(isVmstatEventCount(key), false, key);
});
