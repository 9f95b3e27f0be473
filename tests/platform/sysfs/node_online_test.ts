import assert from "node:assert/strict";
import { parseOnlineNodes, readOnlineNodes } from "../../../src/platform/sysfs/node_online.ts";
import { PlatformParseError } from "../../../src/platform/parse.ts";
import { defaultHostPaths } from "../../../src/platform/host_paths.ts";
import { fixturePaths } from "../_helpers.ts";

Deno.test("parseOnlineNodes: real, empty and malformed input", () => {
  assert.deepEqual(parseOnlineNodes("0-1\n"), [0, 1]);
  assert.deepEqual(parseOnlineNodes(""), []);
  assert.throws(() => parseOnlineNodes("node0\n"), PlatformParseError);
});

Deno.test("readOnlineNodes on fixtures, on a kernel without NUMA, and on this machine", () => {
  assert.deepEqual(readOnlineNodes(fixturePaths("v1_split")), [0]);
  assert.deepEqual(readOnlineNodes(fixturePaths("v1_comounted")), [0, 1]);
  const noNuma = Deno.makeTempDirSync({ prefix: "wca_no_numa_" });
  try {
    assert.deepEqual(readOnlineNodes({ ...defaultHostPaths(), sys: noNuma }), [0]);
  } finally {
    Deno.removeSync(noNuma, { recursive: true });
  }
  assert.ok(readOnlineNodes(defaultHostPaths()).includes(0));
});
