import assert from "node:assert/strict";
import { parseVmstat, readVmstat } from "../../../src/platform/procfs/vmstat.ts";
import { PlatformParseError } from "../../../src/platform/parse.ts";
import { defaultHostPaths } from "../../../src/platform/host_paths.ts";
import { fixturePaths, SCENARIOS } from "../_helpers.ts";

Deno.test("parseVmstat: real, empty and malformed input", () => {
  assert.deepEqual({ ...parseVmstat("nr_free_pages 1099861\npgfault 973160\n") }, {
    nr_free_pages: 1099861,
    pgfault: 973160,
  });
  assert.deepEqual({ ...parseVmstat("") }, {});
  assert.throws(
    () => parseVmstat("nr_free_pages 1\npgfault\n"),
    (e: unknown) => e instanceof PlatformParseError && e.message.startsWith("vmstat:2:"),
  );
  assert.throws(() => parseVmstat("pgfault -x\n"), /vmstat:1: expected an integer for pgfault/);
});

Deno.test("readVmstat on fixtures and on this machine", () => {
  for (const scenario of SCENARIOS) {
    assert.ok((readVmstat(fixturePaths(scenario))["nr_free_pages"] ?? 0) > 0, scenario);
  }
  const real = readVmstat(defaultHostPaths());
  assert.ok(real["pgfault"]! > 0 && real["nr_free_pages"]! > 0);
});
