import assert from "node:assert/strict";
import type { NUMAAllocator } from "../../src/allocators/numa_allocator.ts";
import { PAGE_SIZE } from "../../src/allocators/numa_memory.ts";
import type { TaskAllocations } from "../../src/components/decisions.ts";
import type { Platform, TasksData } from "../../src/components/snapshot.ts";
import { lookupMetric } from "../../src/metrics/catalog.ts";
import { captureLogLines } from "../helpers/log_capture.ts";
import { GB, platformWith, tasksDataOf, type TaskSpec } from "../helpers/snapshots.ts";
import { loadAllocator } from "./_config.ts";

/** WCA's test host: 96 GB and 10 CPUs per node, 4 % of each node used by the system. */
const NODE_SIZE = 96 * GB;
const NODE_CPUS = 10;
const SYSTEM_SHARE = 0.04;

/**
 * WCA's prepare_input: each task's share of a node's memory per node; a task with one node is pinned to it
 * (cpuset_cpus = the node's CPUs), one with several is not (all CPUs). Requested mem = its total.
 */
function host(
  tasks: Record<string, Record<number, number>>,
  nodeCount = 2,
): { platform: Platform; tasks: TasksData } {
  const nodeCpus = (node: number) => Array.from({ length: NODE_CPUS }, (_, i) => node * NODE_CPUS + i);
  const platform = platformWith(
    Array.from({ length: nodeCount }, (_, node) => {
      const share = 1 - SYSTEM_SHARE - Object.values(tasks).reduce((sum, t) => sum + (t[node] ?? 0), 0);
      const freeBytes = Math.trunc(share * NODE_SIZE);
      return { cpus: nodeCpus(node), freeBytes, usedBytes: NODE_SIZE - freeBytes };
    }),
  );
  const specs: Record<string, TaskSpec> = {};
  for (const [id, shares] of Object.entries(tasks)) {
    const nodes = Object.keys(shares).map(Number);
    specs[id] = {
      labels: { uid: id },
      resources: { mem: Math.trunc(Object.values(shares).reduce((a, b) => a + b, 0) * NODE_SIZE) },
      numaPages: Object.fromEntries(nodes.map((n) => [n, Math.trunc(shares[n]! * NODE_SIZE / PAGE_SIZE)])),
      allocations: {
        cpuset_cpus: nodes.length === 1
          ? nodeCpus(nodes[0]!).join(",")
          : Array.from({ length: nodeCount * NODE_CPUS }, (_, i) => i).join(","),
      },
    };
  }
  return { platform, tasks: tasksDataOf(specs) };
}

const FILL = { algorithm: "fill_biggest_first" };
const MINIMIZE = { algorithm: "minimize_migrations" };

/** An allocator as the config loader builds it (defaults filled by the schema). */
function numa(options: Record<string, unknown> = {}): NUMAAllocator {
  return loadAllocator(`!NUMAAllocator ${JSON.stringify(options)}\n`) as NUMAAllocator;
}

async function decide(allocator: NUMAAllocator, input: { platform: Platform; tasks: TasksData }) {
  const result = await allocator.allocate(input.platform, input.tasks);
  return {
    allocations: Object.fromEntries(result.allocations as Map<string, TaskAllocations>),
    metrics: result.metrics!,
  };
}

const pin = (node: number) => ({
  cpuset_cpus: `${node * NODE_CPUS}-${node * NODE_CPUS + NODE_CPUS - 1}`,
  migrate_pages: node,
});

/** WCA's test_algorithm table: the same decisions from both algorithms. */
const ALGORITHM_CASES: [
  string,
  Record<string, unknown>,
  Record<string, Record<number, number>>,
  Record<string, unknown>,
][] = [
  ["no tasks", {}, {}, {}],
  ["t1 pinned to 0, so t2 goes to 1", {}, { t1: { 0: 0.3 }, t2: { 0: 0.1, 1: 0.1 } }, { t2: pin(1) }],
  ["t3 pinned to 1, so the bigger t2 goes to 0", {}, {
    t1: { 0: 0.1, 1: 0.2 },
    t2: { 0: 0.4, 1: 0.0 },
    t3: { 1: 0.5 },
  }, { t2: pin(0) }],
  ["free_space_check: no room for t3 next to pinned t1 and t2", { free_space_check: true }, {
    t1: { 0: 0.8 },
    t2: { 1: 0.8 },
    t3: { 0: 0.1, 1: 0.15 },
  }, {}],
];

for (const [what, options, tasks, expected] of ALGORITHM_CASES) {
  for (const algorithm of [FILL, MINIMIZE]) {
    Deno.test(`NUMAAllocator ${algorithm.algorithm}: ${what}`, async () => {
      assert.deepEqual((await decide(numa({ ...algorithm, ...options }), host(tasks))).allocations, expected);
    });
  }
}

Deno.test("NUMAAllocator: the algorithms differ where memory already sits on a busier node", async () => {
  // t2's pages are all on node 0; node 1 has a little less pinned memory.
  const input = host({ t1: { 0: 0.05 }, t2: { 0: 0.3, 1: 0 }, t3: { 1: 0.02 } });
  assert.deepEqual((await decide(numa(FILL), input)).allocations, { t2: pin(1) }, "least pinned memory wins");
  assert.deepEqual(
    (await decide(numa(MINIMIZE), input)).allocations,
    { t2: pin(0) },
    "its pages stay where they are",
  );
  // WCA's enum spelled the value without the s; both are taken.
  assert.deepEqual((await decide(numa({ algorithm: "minimize_migration" }), input)).allocations, {
    t2: pin(0),
  });
});

Deno.test("NUMAAllocator: one task per iteration, biggest first; ghost tasks (no memory known) are skipped", async () => {
  const input = host({ small: { 0: 0.1, 1: 0.1 }, big: { 0: 0.2, 1: 0.3 } });
  const ghost = tasksDataOf({ ghost: {} });
  const tasks = new Map([...ghost, ...input.tasks]);
  assert.deepEqual((await decide(numa(), { platform: input.platform, tasks })).allocations, { big: pin(0) });
});

Deno.test("NUMAAllocator: memory binding and migrate options shape the allocation", async () => {
  const input = host({ t1: { 0: 0.3 }, t2: { 0: 0.1, 1: 0.1 } });
  const table: [Record<string, unknown>, TaskAllocations][] = [
    [{ migrate_pages: false }, { cpuset_cpus: "10-19" }],
    [{ cgroups_memory_binding: true }, { cpuset_cpus: "10-19", cpuset_mems: "1", migrate_pages: 1 }],
    [{ cgroups_memory_binding: true, cgroups_memory_migrate: true, migrate_pages: false }, {
      cpuset_cpus: "10-19",
      cpuset_mems: "1",
      cpuset_memory_migrate: true,
    }],
  ];
  for (const [options, expected] of table) {
    assert.deepEqual(
      (await decide(numa(options), input)).allocations,
      { t2: expected },
      JSON.stringify(options),
    );
  }
});

Deno.test("NUMAAllocator: loop_min_task_balance lets minimize_migrations skip a task spread over nodes", async () => {
  const input = host({ t1: { 0: 0.12, 1: 0.08 } });
  assert.deepEqual((await decide(numa({ ...MINIMIZE, loop_min_task_balance: 0.7 }), input)).allocations, {});
  assert.deepEqual((await decide(numa({ ...MINIMIZE, loop_min_task_balance: 0.5 }), input)).allocations, {
    t1: pin(0),
  });
});

Deno.test("NUMAAllocator: pages of a pinned task that drifted are moved back, on the least used node only", async () => {
  // t1 pinned to node 1 (most free memory) with 60 % of its pages there; t2 pinned to node 0 likewise.
  const input = host({ t1: { 1: 0.1 }, t2: { 0: 0.5 } });
  const drift = (data: TasksData, id: string, pages: Record<string, number>) => {
    const task = data.get(id)!;
    (task.measurements as Map<string, unknown>).set("task_mem_numa_pages", new Map(Object.entries(pages)));
  };
  drift(input.tasks, "t1", { "0": 400, "1": 600 });
  drift(input.tasks, "t2", { "0": 600, "1": 400 });
  const allocator = numa();
  const first = await decide(allocator, input);
  assert.deepEqual(first.allocations, { t1: { migrate_pages: 1 } });
  const pagesOf = (metrics: typeof first.metrics, name: string) =>
    metrics.filter((m) => m.name === name).map((m) => [m.labels.uid, m.value]);
  assert.deepEqual(pagesOf(first.metrics, "numa__task_pages_to_move"), [["t2", 0], ["t1", 400]]);
  // Counted again next iteration (the pages have not moved in this model); t2 gone: its counter goes.
  (input.tasks as Map<string, unknown>).delete("t2");
  const second = await decide(allocator, input);
  assert.deepEqual(pagesOf(second.metrics, "numa__task_pages_to_move"), [["t1", 800]]);
  assert.deepEqual(pagesOf(second.metrics, "numa__total_pages_to_move"), [[undefined, 800]]);
  // migrate_pages_min_task_balance: null turns the re-migration off.
  assert.deepEqual((await decide(numa({ migrate_pages_min_task_balance: null }), input)).allocations, {});
});

Deno.test("NUMAAllocator: numa__ metrics describe the state; dryrun reports it and allocates nothing", async () => {
  const input = host({ t1: { 0: 0.3 }, t2: { 0: 0.1, 1: 0.1 } });
  const { allocations, metrics } = await decide(numa(), input);
  assert.deepEqual(Object.keys(allocations), ["t2"]);
  const view = metrics.map((m) => `${m.name}${m.labels.numa_node ?? m.labels.uid ?? ""}=${m.value}`);
  assert.deepEqual(view, [
    "numa__balanced_memory_tasks0=1",
    `numa__balanced_memory_size0=${Math.trunc(0.3 * NODE_SIZE)}`,
    "numa__balanced_memory_tasks1=0",
    "numa__balanced_memory_size1=0",
    "numa__task_tasks_count=2",
    "numa__task_current_nodet1=0",
    "numa__task_current_nodet2=-1",
    "numa__task_pages_to_movet1=0",
    `numa__task_pages_to_movet2=${Math.trunc(0.1 * NODE_SIZE / PAGE_SIZE)}`,
    `numa__total_pages_to_move=${Math.trunc(0.1 * NODE_SIZE / PAGE_SIZE)}`,
  ]);
  for (const m of metrics) assert.equal(lookupMetric(m.name)?.type, m.type, m.name);

  const dry = await decide(numa({ dryrun: true }), input);
  assert.deepEqual(dry.allocations, {});
  assert.deepEqual(dry.metrics.map((m) => m.name), [
    "numa__balanced_memory_tasks",
    "numa__balanced_memory_size",
    "numa__balanced_memory_tasks",
    "numa__balanced_memory_size",
    "numa__task_tasks_count",
  ]);
});

Deno.test("NUMAAllocator: a platform without per-node memory numbers is warned about once, nothing allocated", async () => {
  const input = host({ t2: { 0: 0.1, 1: 0.1 } });
  const platform = platformWith([{ cpus: [0] }, { cpus: [1] }]);
  const allocator = numa();
  const { lines } = await captureLogLines(async () => {
    for (let i = 0; i < 3; i++) {
      assert.deepEqual((await decide(allocator, { platform, tasks: input.tasks })).allocations, {});
    }
  });
  assert.equal(lines.filter((l) => l.includes("no free/used memory per NUMA node")).length, 1);
});

Deno.test("NUMAAllocator: config errors name the field", () => {
  assert.throws(
    () => numa({ algorithm: "random" }),
    /Invalid value "random" for field 'algorithm' in !NUMAAllocator: expected one of: fill_biggest_first, minimize_migrations, minimize_migration/,
  );
  assert.throws(() => numa({ migrate_pages_min_task_balance: 2 }), /expected a number <= 1/);
  assert.throws(
    () => numa({ dry_run: true }),
    /Unknown field 'dry_run' in !NUMAAllocator; did you mean 'dryrun'\?/,
  );
});
