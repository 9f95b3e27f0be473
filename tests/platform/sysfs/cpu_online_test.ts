import assert from "node:assert/strict";
import { parseOnlineCpus, readOnlineCpus } from "../../../src/platform/sysfs/cpu_online.ts";
import { PlatformParseError } from "../../../src/platform/parse.ts";
import { defaultHostPaths } from "../../../src/platform/host_paths.ts";
import { fixturePaths } from "../_helpers.ts";

Deno.test("parseOnlineCpus: real, empty and malformed input", () => {
  assert.deepEqual(parseOnlineCpus("0-3,8-11\n"), [0, 1, 2, 3, 8, 9, 10, 11]);
  assert.deepEqual(parseOnlineCpus("\n"), []);
  assert.throws(
    () => parseOnlineCpus("0-3;8\n"),
    (e: unknown) => e instanceof PlatformParseError && e.message.startsWith("cpu/online:1:"),
  );
});

Deno.test("readOnlineCpus on fixtures (cpu7 offline in v1_comounted) and this machine", () => {
  assert.deepEqual(readOnlineCpus(fixturePaths("v1_split")), [0, 1]);
  assert.deepEqual(readOnlineCpus(fixturePaths("v1_comounted")), [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(readOnlineCpus(fixturePaths("v2_unified")), [0, 1, 2, 3, 4, 5, 6, 7]);
  const real = readOnlineCpus(defaultHostPaths());
  assert.equal(real.length, navigator.hardwareConcurrency);
});
