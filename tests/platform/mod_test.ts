import assert from "node:assert/strict";
import * as platform from "../../src/platform/mod.ts";

Deno.test("platform surface re-exports host paths, procfs, sysfs and cgroup readers", () => {
  for (
    const name of [
      "defaultHostPaths",
      "hostPathsUnder",
      "PlatformParseError",
      "parseListFormat",
      "readTopology",
      "readProcStat",
      "readNodeMeminfo",
      "readCgroupLayout",
      "readCgroupMeasurements",
      "isGoneError",
    ]
  ) {
    assert.equal(typeof (platform as Record<string, unknown>)[name], "function", name);
  }
});
