import assert from "node:assert/strict";
import { parseVmstat, readVmstat } from "../../../src/platform/procfs/vmstat.ts";
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
