import assert from "node:assert/strict";
import { parseTopologyId, readCpuTopology } from "../../../src/platform/sysfs/cpu_topology.ts";
import { PlatformParseError } from "../../../src/platform/parse.ts";
import { defaultHostPaths } from "../../../src/platform/host_paths.ts";
import { readOnlineCpus } from "../../../src/platform/sysfs/cpu_online.ts";
import { fixturePaths } from "../_helpers.ts";

Deno.test("parseTopologyId: real, unknown (-1), empty and malformed input", () => {
  assert.equal(parseTopologyId("3\n"), 3);
  assert.equal(parseTopologyId("-1\n"), -1);
  const table: Array<[string, RegExp]> = [
    ["", /^topology: expected exactly one line$/],
    ["1\n2\n", /expected exactly one line/],
    ["x\n", /^topology:1: expected an integer/],
  ];
  for (const [text, message] of table) {
    assert.throws(
      () => parseTopologyId(text),
      (e: unknown) => e instanceof PlatformParseError && message.test(e.message),
    );
  }
});

Deno.test("readCpuTopology on the two-socket fixture", () => {
  const paths = fixturePaths("v1_comounted");
  const ids = readCpuTopology(paths, readOnlineCpus(paths));
  assert.deepEqual(ids.map((i) => [i.cpu, i.socket, i.core]), [
    [0, 0, 0],
    [1, 0, 1],
    [2, 1, 0],
    [3, 1, 1],
    [4, 0, 0],
    [5, 0, 1],
    [6, 1, 0],
  ]);
  // cpu7 is offline and has no topology directory: asking for it is an error naming the file.
  assert.throws(() => readCpuTopology(paths, [7]), /cpu7\/topology\/physical_package_id/);
});

Deno.test("readCpuTopology on this machine", () => {
  const paths = defaultHostPaths();
  const cpus = readOnlineCpus(paths);
  const ids = readCpuTopology(paths, cpus);
  assert.deepEqual(ids.map((i) => i.cpu), cpus);
  assert.ok(ids.every((i) => Number.isInteger(i.socket) && Number.isInteger(i.core)));
});
