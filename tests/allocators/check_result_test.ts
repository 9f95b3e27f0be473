import assert from "node:assert/strict";
import { checkAllocationResult, PluginResultError } from "../../src/allocators/check_result.ts";

Deno.test("checkAllocationResult: objects and Maps become a Map; every allocation type of its type", () => {
  const all = {
    cpu_quota: 0.5,
    cpu_shares: 10,
    cpuset_cpus: "0-3",
    cpuset_mems: "0",
    cpuset_memory_migrate: true,
    migrate_pages: 1,
    rdt: { name: "be", l3: "L3:0=000f", mb: "MB:0=20" },
  };
  const fromObject = checkAllocationResult({ allocations: { t1: all } });
  assert.deepEqual(fromObject, { allocations: new Map([["t1", all]]), anomalies: [], metrics: [] });
  const fromMap = checkAllocationResult({
    allocations: new Map([["t1", { cpu_quota: 1 }]]),
    anomalies: [],
    metrics: [],
  });
  assert.deepEqual([...fromMap.allocations as Map<string, unknown>], [["t1", { cpu_quota: 1 }]]);
  assert.equal(checkAllocationResult({ allocations: {} }).allocations instanceof Map, true);
});

const WRONG: [string, unknown, string][] = [
  ["null", null, "allocate() result: expected an object { allocations, anomalies, metrics }, got null"],
  [
    "WCA's tuple",
    [{}, [], []],
    "allocate() returned a list; expected an object { allocations, anomalies, metrics } (WCA's (allocations, anomalies, metrics) tuple is an object here)",
  ],
  [
    "allocations a list",
    { allocations: [] },
    "allocate() allocations: expected a mapping of task ids to allocations (an object or a Map), got a list of 0",
  ],
  [
    "task allocations a number",
    { allocations: { t1: 0.5 } },
    'allocate() allocations["t1"]: expected an object of allocations (e.g. { cpu_quota: 0.5 }), got 0.5',
  ],
  [
    "unknown allocation type (WCA 1.0's name)",
    { allocations: { t1: { cpu_set: "0" } } },
    'allocate() allocations["t1"]: expected allocation types among cpu_quota, cpu_shares, cpuset_cpus, cpuset_mems, cpuset_memory_migrate, migrate_pages, rdt, got "cpu_set"',
  ],
  [
    "quota a string",
    { allocations: { t1: { cpu_quota: "0.5" } } },
    'allocate() allocations["t1"].cpu_quota: expected a finite number, got "0.5"',
  ],
  [
    "shares NaN",
    { allocations: { t1: { cpu_shares: NaN } } },
    'allocate() allocations["t1"].cpu_shares: expected a finite number, got NaN',
  ],
  [
    "cpus a list",
    { allocations: { t1: { cpuset_cpus: [0, 1] } } },
    'allocate() allocations["t1"].cpuset_cpus: expected a list-format string (e.g. "0-3,8"), got a list of 2',
  ],
  [
    "memory migrate 1 (WCA wrote 1)",
    { allocations: { t1: { cpuset_memory_migrate: 1 } } },
    'allocate() allocations["t1"].cpuset_memory_migrate: expected true or false, got 1',
  ],
  [
    "migrate_pages negative",
    { allocations: { t1: { migrate_pages: -1 } } },
    'allocate() allocations["t1"].migrate_pages: expected a NUMA node number, got -1',
  ],
  [
    "rdt unknown key",
    { allocations: { t1: { rdt: { name: "be", l2: "x" } } } },
    'allocate() allocations["t1"].rdt: expected only the keys name, l3 and mb, got "l2"',
  ],
  [
    "rdt l3 a number",
    { allocations: { t1: { rdt: { l3: 15 } } } },
    'allocate() allocations["t1"].rdt.l3: expected a string, got 15',
  ],
  [
    "empty task id in a Map",
    { allocations: new Map([["", {}]]) },
    'allocate() allocations: expected task ids as keys, got ""',
  ],
  [
    "bad anomaly",
    { allocations: {}, anomalies: [{ resource: "cpus" }] },
    "allocate() anomalies[0].contended_task_id: expected a task id (a non-empty string), got undefined",
  ],
];

for (const [what, value, message] of WRONG) {
  Deno.test(`checkAllocationResult: ${what}`, () => {
    assert.throws(() => checkAllocationResult(value), (error: unknown) => {
      assert.ok(error instanceof PluginResultError);
      assert.equal(error.message, message);
      return true;
    });
  });
}
