import assert from "node:assert/strict";
import { parseNodeDistances, readNodeTopology } from "../../../src/platform/sysfs/node_topology.ts";
import { PlatformParseError } from "../../../src/platform/parse.ts";
import { defaultHostPaths } from "../../../src/platform/host_paths.ts";
import { readOnlineNodes } from "../../../src/platform/sysfs/node_online.ts";
import { fixturePaths } from "../_helpers.ts";

Deno.test("parseNodeDistances: one integer per node; garbage names the file", () => {
  assert.deepEqual(parseNodeDistances("10 21\n"), [10, 21]);
  assert.deepEqual(parseNodeDistances("10\n"), [10]);
  assert.deepEqual(parseNodeDistances(""), []);
  assert.throws(
    () => parseNodeDistances("10 x\n", "node0/distance"),
    (e: Error) =>
      e instanceof PlatformParseError && e.message === 'node0/distance:1: expected integers, got "x"',
  );
});

Deno.test("readNodeTopology: this machine's nodes hold every online CPU; a fixture without distance files", () => {
  const paths = defaultHostPaths();
  const nodes = readOnlineNodes(paths);
  const topology = readNodeTopology(paths, nodes);
  const cpus = [...topology.values()].flatMap((node) => node.cpus).sort((a, b) => a - b);
  assert.equal(cpus.length, navigator.hardwareConcurrency);
  for (const node of topology.values()) {
    assert.equal(node.distances.length, nodes.length, "a distance to every node");
  }
  const fixture = readNodeTopology(fixturePaths("v1_split"), [0]);
  assert.deepEqual(fixture.get(0)?.distances, [], "no distance file: empty");
  assert.ok(fixture.get(0)!.cpus.length > 0);
});
