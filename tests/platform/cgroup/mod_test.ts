import assert from "node:assert/strict";
import * as cgroup from "../../../src/platform/cgroup/mod.ts";

Deno.test("cgroup surface: discovery, per-task reader and the pure parsers", () => {
  const surface = cgroup as Record<string, unknown>;
  for (
    const name of [
      "parseMountinfo",
      "discoverCgroupMounts",
      "readCgroupLayout",
      "controllerMount",
      "readCgroupMeasurements",
      "parsePressure",
      "parseNumaStatV1",
      "parseNumaStatV2",
      "parseLimit",
    ]
  ) {
    assert.equal(typeof surface[name], "function", name);
  }
  // The gone signal is an internal mechanism, not part of the surface.
  assert.equal(surface["CgroupGoneSignal"], undefined);
});
