/** WCA's own tables for the NUMA allocator's helpers (tests/extra/test_numa_allocator.py), plus the fixed bugs. */
import assert from "node:assert/strict";
import {
  bestMemoryNode,
  bestMemoryNodes,
  currentNode,
  isEnoughMemoryOnTarget,
  leastUsedNode,
  migrationMinimizerCore,
  mostFreeMemoryNodes,
  mostUsedNode,
  mostUsedNodes,
  type NodeMemory,
  numaPreferences,
  PAGE_SIZE,
  pagesToMove,
  taskMemoryLimit,
} from "../../src/allocators/numa_memory.ts";
import { GB, taskData } from "../helpers/snapshots.ts";

const s = (...ids: number[]) => new Set(ids);
const nodes = (free: number[], cpusPerNode = 10): NodeMemory[] =>
  free.map((freeBytes, id) => ({
    id,
    cpus: Array.from({ length: cpusPerNode }, (_, i) => id * cpusPerNode + i),
    freeBytes,
    usedBytes: 0,
  }));
const balanced = (byNode: number[][]) =>
  new Map(byNode.map((sizes, node) => [node, sizes.map((m, i) => [`t${node}${i}`, m] as const)]));

Deno.test("migrationMinimizerCore: most used ∩ least pinned, else most used ∩ most free, else least pinned ∩ most free", () => {
  const table: [Set<number>, Set<number>, Set<number>, number | undefined][] = [
    [s(1, 2, 3), s(1, 2), s(3), 1],
    [s(1), s(2), s(1), 1],
    [s(1), s(2), s(2), 2],
    [s(1), s(2), s(3), undefined],
  ];
  for (const [used, best, free, expected] of table) {
    assert.equal(migrationMinimizerCore(used, best, free), expected);
  }
});

Deno.test("taskMemoryLimit: requested mem first, then the first cgroup number that fits the host, else 0", () => {
  const total = 96 * GB;
  const limit = (
    resources: Record<string, number | string>,
    measurements: Record<string, number>,
    host = total,
  ) => taskMemoryLimit(taskData("t", { resources, measurements }), host);
  assert.equal(limit({ mem: 20 * GB, cpus: 11 }, {}), 20 * GB);
  assert.equal(limit({ mem: String(20 * GB) }, {}), 20 * GB, "Kubernetes gives numbers as text");
  assert.equal(limit({}, {}), 0);
  assert.equal(limit({}, { task_mem_limit_bytes: 30 * GB }), 30 * GB);
  assert.equal(limit({}, { task_mem_limit_bytes: 30 * GB }, 20 * GB), 0);
  // An unset v1 limit reads as 2^63 rounded to pages: skipped, down to usage.
  const unset = 9223372036854771712;
  assert.equal(
    limit({}, {
      task_mem_limit_bytes: unset,
      task_mem_soft_limit_bytes: unset,
      task_mem_usage_bytes: 3 * GB,
    }),
    3 * GB,
  );
  assert.equal(
    limit({}, {
      task_mem_limit_bytes: unset,
      task_mem_max_usage_bytes: 4 * GB,
      task_mem_usage_bytes: 3 * GB,
    }),
    4 * GB,
  );
});

Deno.test("numaPreferences: share of pages per node, every node present, all 0 without numa_stat", () => {
  const table: [number, number[], number[]][] = [
    [2, [5 * GB, 5 * GB], [0.5, 0.5]],
    [2, [3 * GB, 2 * GB], [0.6, 0.4]],
    [4, [3 * GB, 2 * GB, 3 * GB, 2 * GB], [0.3, 0.2, 0.3, 0.2]],
    [2, [1, 2], [0.3333, 0.6667]],
  ];
  for (const [count, pages, expected] of table) {
    const ids = Array.from({ length: count }, (_, i) => i);
    const result = numaPreferences(new Map(pages.map((p, i) => [String(i), p])), ids);
    assert.deepEqual([...result], expected.map((e, i) => [i, e]));
  }
  assert.deepEqual([...numaPreferences(undefined, [0, 1])], [[0, 0], [1, 0]]);
});

Deno.test("mostUsedNode / mostUsedNodes: the first on a tie; nodes close on a log scale count as tied", () => {
  assert.equal(mostUsedNode(new Map([[0, 0.3], [1, 0.7]])), 1);
  assert.equal(mostUsedNode(new Map([[0, 0.3], [2, 0.3], [3, 0.2], [4, 0.2]])), 0);
  assert.deepEqual(mostUsedNodes(new Map([[0, 0.5], [1, 0.5]])), s(0, 1));
  assert.deepEqual(mostUsedNodes(new Map([[0, 1], [1, 0]])), s(0));
  // round(log1p(400)) = 6 = round(log1p(600)): 40 % and 60 % are "about as used".
  assert.deepEqual(mostUsedNodes(new Map([[0, 0.4], [1, 0.6]])), s(0, 1));
});

Deno.test("leastUsedNode: the node with most free memory", () => {
  assert.equal(leastUsedNode(nodes([5 * GB, 3 * GB])), 0);
  assert.equal(leastUsedNode(nodes([5 * GB, 3 * GB, 20 * GB])), 2);
});

Deno.test("currentNode: exactly one node's CPUs, in any list spelling; else -1", () => {
  const two = nodes([0, 0]);
  assert.equal(currentNode({ cpuset_cpus: "0-9" }, two), 0);
  assert.equal(currentNode({ cpuset_cpus: "10,11,12,13,14,15,16,17,18,19" }, two), 1);
  assert.equal(currentNode({ cpuset_cpus: "0-19" }, two), -1);
  assert.equal(currentNode({ cpuset_cpus: "0-8" }, two), -1);
  assert.equal(currentNode({}, two), -1);
  assert.equal(currentNode(undefined, two), -1);
  assert.equal(currentNode({ cpuset_cpus: "garbage" }, two), -1);
});

Deno.test("bestMemoryNode / bestMemoryNodes: least pinned memory, ties on a log scale", () => {
  assert.equal(bestMemoryNode(10 * GB, balanced([[20 * GB, 20 * GB], [15 * GB, 10 * GB]])), 1);
  assert.equal(bestMemoryNode(10 * GB, balanced([[], []])), 0, "tie: the first node");
  const table: [number, number[][], Set<number>][] = [
    [10 * GB, [[20 * GB], [19 * GB]], s(0, 1)],
    [50 * GB, [[80 * GB], [70 * GB]], s(0, 1)],
    [10 * GB, [[20 * GB], [13 * GB]], s(1)],
    [10 * GB, [[20 * GB], [5 * GB]], s(1)],
  ];
  for (const [memory, pinned, expected] of table) {
    assert.deepEqual(bestMemoryNodes(memory, balanced(pinned)), expected);
  }
});

Deno.test("mostFreeMemoryNodes: nodes the task does not fit are left out", () => {
  assert.deepEqual(mostFreeMemoryNodes(10 * GB, nodes([34 * GB, 35 * GB])), s(0, 1));
  assert.deepEqual(mostFreeMemoryNodes(34 * GB, nodes([34 * GB, 35 * GB])), s(1));
  assert.deepEqual(mostFreeMemoryNodes(40 * GB, nodes([34 * GB, 35 * GB])), s());
});

Deno.test("isEnoughMemoryOnTarget: what is not yet on the target must fit its free memory", () => {
  const pages = (onZero: number, onOne: number) =>
    new Map([["0", onZero / PAGE_SIZE], ["1", onOne / PAGE_SIZE]]);
  assert.equal(isEnoughMemoryOnTarget(10 * GB, nodes([2 * GB, 3 * GB])[1]!, pages(3 * GB, 2 * GB)), false);
  assert.equal(isEnoughMemoryOnTarget(10 * GB, nodes([6 * GB, 6 * GB])[1]!, pages(5 * GB, 5 * GB)), true);
  assert.equal(isEnoughMemoryOnTarget(10 * GB, nodes([6 * GB, 6 * GB])[1]!, undefined), false);
});

Deno.test("pagesToMove: pages on the other nodes only (WCA counted the target's too)", () => {
  const pages = new Map([["0", 100], ["1", 50], ["2", 7]]);
  assert.equal(pagesToMove(pages, 1), 107);
  assert.equal(pagesToMove(pages, 0), 57);
  assert.equal(pagesToMove(undefined, 0), 0);
});
