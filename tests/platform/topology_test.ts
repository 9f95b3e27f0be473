import assert from "node:assert/strict";
import { buildTopology, readTopology } from "../../src/platform/topology.ts";
import { defaultHostPaths } from "../../src/platform/host_paths.ts";
import { fixturePaths } from "./_helpers.ts";

Deno.test("buildTopology counts sockets, (socket, core) pairs and online CPUs", () => {
  const ids = [
    { cpu: 0, socket: 0, core: 0 },
    { cpu: 1, socket: 1, core: 0 }, // same core_id on another socket is another core
    { cpu: 2, socket: 0, core: 0 }, // hyperthread sibling of cpu0
  ];
  const topology = buildTopology([0, 1, 2], ids, { modelName: "X", model: 85 });
  assert.deepEqual([topology.sockets, topology.cores, topology.cpus], [2, 2, 3]);
  assert.equal(topology.cpuModel, "X");
  assert.equal(topology.cpuModelNumber, 85);
  const empty = buildTopology([], [], { modelName: undefined, model: undefined });
  assert.deepEqual([empty.sockets, empty.cores, empty.cpus, empty.cpuModel], [0, 0, 0, "unknown"]);
});

Deno.test("readTopology on fixtures", () => {
  const table: Array<[Parameters<typeof fixturePaths>[0], [number, number, number], string, number]> = [
    ["v1_split", [1, 2, 2], "Intel(R) Xeon(R) Processor", 207],
    ["v1_comounted", [2, 4, 7], "Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz", 85],
    ["v2_unified", [2, 8, 8], "AMD EPYC 7302 16-Core Processor", 49],
    ["hybrid", [1, 4, 8], "Intel(R) Xeon(R) E-2278G CPU @ 3.40GHz", 158],
  ];
  for (const [scenario, counts, model, number] of table) {
    const topology = readTopology(fixturePaths(scenario));
    assert.deepEqual([topology.sockets, topology.cores, topology.cpus], counts, scenario);
    assert.equal(topology.cpuModel, model, scenario);
    assert.equal(topology.cpuModelNumber, number, scenario);
  }
});

Deno.test("readTopology on this machine agrees with the CPU count the runtime sees", () => {
  const topology = readTopology(defaultHostPaths());
  assert.equal(topology.cpus, navigator.hardwareConcurrency);
  assert.ok(topology.sockets >= 1 && topology.cores >= topology.sockets && topology.cpus >= topology.cores);
});
