import assert from "node:assert/strict";
import { checkAllocationResult, PluginResultError } from "../../src/allocators/check_result.ts";
import { replyLimit } from "../../src/detectors/check_result.ts";

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

Deno.test("checkAllocationResult: every wrong entry is counted, the first three named, on one line without raw newlines", () => {
  const allocations: Record<string, unknown> = {};
  for (let i = 0; i < 50; i++) allocations[`task\n${i}`] = { cpu_quota: "x" };
  assert.throws(() => checkAllocationResult({ allocations }, "Loud.allocate()"), (error: unknown) => {
    assert.ok(error instanceof PluginResultError);
    assert.equal(
      error.message,
      'Loud.allocate() reply: 50 problems: allocations["task\\n0"].cpu_quota: expected a finite number, got "x"; ' +
        'allocations["task\\n1"].cpu_quota: expected a finite number, got "x"; ' +
        'allocations["task\\n2"].cpu_quota: expected a finite number, got "x"; and 47 more',
    );
    assert.doesNotMatch(error.message, /\n/);
    return true;
  });
});

Deno.test("checkAllocationResult: a reply over the limit is refused whole, before any entry is read", () => {
  const limit = replyLimit(10, 3);
  assert.deepEqual(limit, { entries: 30, metrics: 300, why: "reply_limit_per_task 10 × 3 tasks" });
  let read = 0;
  const watched = (task: number) => ({
    get cpu_quota() {
      read++;
      return task === 0 ? "wrong" : 0.5;
    },
  });
  const big = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`t${i}`, watched(i)]));
  for (const allocations of [big, new Map(Object.entries(big))]) {
    assert.throws(
      () => checkAllocationResult({ allocations }, "Loud.allocate()", limit),
      (error: unknown) => {
        assert.ok(error instanceof PluginResultError);
        assert.equal(error.kind, "too large");
        assert.equal(
          error.message,
          "Loud.allocate() returned 31 allocations, more than the limit of 30 (reply_limit_per_task 10 × 3 tasks): " +
            "the whole reply is refused",
        );
        return true;
      },
    );
  }
  assert.equal(read, 0, "no entry was looked at");
  const exactly = Object.fromEntries(Object.entries(big).slice(1));
  assert.equal(checkAllocationResult({ allocations: exactly }, "a()", limit).allocations.size, 30);
  assert.throws(
    () => checkAllocationResult({ allocations: {}, metrics: new Array(301).fill({}) }, "a()", limit),
    /returned 301 metrics, more than the limit of 300 \(10 × reply_limit_per_task 10 × 3 tasks\)/,
  );
  assert.match(replyLimit(10, 0).why, /no tasks, counted as 1/);
});
