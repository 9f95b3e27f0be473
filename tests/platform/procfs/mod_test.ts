import assert from "node:assert/strict";
import * as procfs from "../../../src/platform/procfs/mod.ts";

Deno.test("procfs surface: a reader beside each parser", () => {
  for (const name of ["ProcStat", "Meminfo", "Cpuinfo", "Vmstat", "Zoneinfo"]) {
    assert.equal(typeof (procfs as Record<string, unknown>)[`parse${name}`], "function", name);
    assert.equal(typeof (procfs as Record<string, unknown>)[`read${name}`], "function", name);
  }
  assert.equal(typeof procfs.parseAuxvPageSize, "function");
  assert.equal(typeof procfs.readPageSize, "function");
});
