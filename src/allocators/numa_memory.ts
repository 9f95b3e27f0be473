/**
 * The pure arithmetic of NUMAAllocator (WCA's extra/numa_allocator.py): task memory sizes, where a task's
 * pages are, which node a task is pinned to, and the node scores both algorithms rank by. Scores are
 * rounded as WCA rounded them, because the rounding decides which nodes count as tied.
 */
import type { TaskAllocations } from "../components/decisions.ts";
import type { Measurement, Measurements, TaskData } from "../components/snapshot.ts";
import { parseListFormat } from "../platform/list_format.ts";

/** memory.numa_stat counts pages of this size (WCA assumed 4 KiB too). */
export const PAGE_SIZE = 4096;

export type NodeId = number;
/** Share of a task's pages on each node, 0..1, for every node of the host. */
export type Preferences = ReadonlyMap<NodeId, number>;
/** Tasks pinned to each node, with their memory sizes. */
export type BalancedMemory = ReadonlyMap<NodeId, readonly (readonly [string, number])[]>;

export interface NodeMemory {
  readonly id: NodeId;
  readonly cpus: readonly number[];
  readonly freeBytes: number;
  readonly usedBytes: number;
}

export interface TaskMemory {
  readonly taskId: string;
  /** Bytes: requested memory, else the first cgroup limit or usage that fits the host. */
  readonly memory: number;
  readonly preferences: Preferences;
}

/** `value` rounded to `digits` decimals, as Python's round(value, digits) gives it (ties aside). */
export function roundTo(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

/** Per-node pages of `task_mem_numa_pages` (keyed by node id as text); undefined when not measured. */
export function numaPages(measurements: Measurements): ReadonlyMap<string, number> | undefined {
  const pages: Measurement | undefined = measurements.get("task_mem_numa_pages");
  return pages instanceof Map ? pages : undefined;
}

const LIMITS_ORDER = [
  "task_mem_limit_bytes",
  "task_mem_soft_limit_bytes",
  "task_mem_max_usage_bytes",
  "task_mem_usage_bytes",
] as const;

/**
 * The task's memory size: its requested `mem` resource, else the first of its cgroup limit, soft limit,
 * peak usage and usage that is not above the host's memory (an unset limit reads as a huge number);
 * 0 when none is known (a "ghost" task, e.g. a cgroup without processes).
 */
export function taskMemoryLimit(
  data: Pick<TaskData, "resources" | "measurements">,
  totalMemory: number,
): number {
  const requested = data.resources.mem;
  if (requested !== undefined && requested !== "" && Number.isFinite(Number(requested))) {
    return Number(requested);
  }
  for (const name of LIMITS_ORDER) {
    const value = data.measurements.get(name);
    if (typeof value !== "number" || value > totalMemory) continue;
    return value;
  }
  return 0;
}

/** Share of the task's pages on each node (rounded to 4 decimals); all 0 without numa_stat. */
export function numaPreferences(
  pages: ReadonlyMap<string, number> | undefined,
  nodes: readonly NodeId[],
): Preferences {
  const result = new Map<NodeId, number>(nodes.map((id) => [id, 0]));
  if (pages === undefined) return result;
  const sum = [...pages.values()].reduce((a, b) => a + b, 0);
  for (const [node, count] of pages) result.set(Number(node), roundTo(count / Math.max(1, sum), 4));
  return result;
}

/** Entries sorted by score, best first; ties keep node order (Python's sort is stable). */
function ranked(scores: ReadonlyMap<NodeId, number>, highestFirst: boolean): [NodeId, number][] {
  return [...scores].sort((a, b) => (highestFirst ? b[1] - a[1] : a[1] - b[1]));
}

/** The nodes tied for the best score. */
function tiedBest(scores: ReadonlyMap<NodeId, number>, highestFirst: boolean): Set<NodeId> {
  const order = ranked(scores, highestFirst);
  if (order.length === 0) return new Set();
  return new Set(order.filter(([, score]) => score === order[0]![1]).map(([id]) => id));
}

/** The node holding most of the task's pages (the first on a tie). */
export function mostUsedNode(preferences: Preferences): NodeId {
  return ranked(preferences, true)[0]![0];
}

/** Nodes holding about as many of the task's pages as the most used one (log scale, as WCA). */
export function mostUsedNodes(preferences: Preferences): Set<NodeId> {
  const scores = new Map([...preferences].map(([id, p]) => [id, Math.round(Math.log1p(p * 1000))]));
  return tiedBest(scores, true);
}

/** The node with the most free memory ("least used"). */
export function leastUsedNode(nodes: readonly NodeMemory[]): NodeId {
  return ranked(new Map(nodes.map((n) => [n.id, n.freeBytes])), true)[0]![0];
}

/** The node whose CPUs are exactly the task's cpuset_cpus, or -1 (not pinned, or no cpuset known). */
export function currentNode(allocations: TaskAllocations | undefined, nodes: readonly NodeMemory[]): NodeId {
  const cpus = allocations?.cpuset_cpus;
  if (cpus === undefined) return -1;
  let assigned: number[];
  try {
    assigned = parseListFormat(cpus, "cpuset_cpus");
  } catch {
    return -1;
  }
  const key = assigned.join(",");
  const node = nodes.find((n) => [...n.cpus].sort((a, b) => a - b).join(",") === key);
  return node === undefined ? -1 : node.id;
}

function pinnedSum(balanced: BalancedMemory, node: NodeId): number {
  return (balanced.get(node) ?? []).reduce((sum, [, memory]) => sum + memory, 0);
}

/** fill_biggest_first: the node where the task would be the largest share of the pinned memory. */
export function bestMemoryNode(memory: number, balanced: BalancedMemory): NodeId {
  const scores = new Map(
    [...balanced.keys()].map((id) => [id, roundTo(memory / (pinnedSum(balanced, id) + memory), 4)]),
  );
  return ranked(scores, true)[0]![0];
}

/** Nodes with about the least pinned memory once the task is added (log10, one decimal, as WCA). */
export function bestMemoryNodes(memory: number, balanced: BalancedMemory): Set<NodeId> {
  const scores = new Map(
    [...balanced.keys()].map((id) => [id, roundTo(Math.log10(pinnedSum(balanced, id) + memory), 1)]),
  );
  return tiedBest(scores, false);
}

/** Nodes with about the most free memory left after the task; nodes it does not fit are left out. */
export function mostFreeMemoryNodes(memory: number, nodes: readonly NodeMemory[]): Set<NodeId> {
  const scores = new Map(
    nodes.filter((n) => memory < n.freeBytes).map((
      n,
    ) => [n.id, roundTo(Math.log10(n.freeBytes - memory), 1)]),
  );
  return tiedBest(scores, true);
}

/** The smallest node id of a set (WCA took `list(set)[0]`, which for small ints is the smallest too). */
function first(nodes: Set<NodeId>): NodeId {
  let smallest = Infinity;
  for (const node of nodes) smallest = Math.min(smallest, node);
  return smallest;
}

function intersect(a: Set<NodeId>, b: Set<NodeId>): Set<NodeId> {
  return new Set([...a].filter((x) => b.has(x)));
}

/**
 * minimize_migrations: prefer a node that already holds most of the task's pages and has the least pinned
 * memory; else one that holds most of its pages and has most free memory; else one that has both the
 * least pinned and most free memory. undefined: no good decision for this task now.
 */
export function migrationMinimizerCore(
  mostUsed: Set<NodeId>,
  bestMemory: Set<NodeId>,
  mostFree: Set<NodeId>,
): NodeId | undefined {
  for (
    const candidates of [
      intersect(mostUsed, bestMemory),
      intersect(mostUsed, mostFree),
      intersect(bestMemory, mostFree),
    ]
  ) {
    if (candidates.size > 0) return first(candidates);
  }
  return undefined;
}

/** Whether the part of the task not yet on `target` fits in the target's free memory. */
export function isEnoughMemoryOnTarget(
  memory: number,
  target: NodeMemory,
  pages: ReadonlyMap<string, number> | undefined,
): boolean {
  const already = (pages?.get(String(target.id)) ?? 0) * PAGE_SIZE;
  return memory - already < target.freeBytes;
}

/**
 * Pages of the task on nodes other than `target`. WCA compared the text keys of numa_stat with the
 * integer node id, so every page counted as "to move", those already on the target included.
 */
export function pagesToMove(pages: ReadonlyMap<string, number> | undefined, target: NodeId): number {
  let sum = 0;
  for (const [node, count] of pages ?? []) if (Number(node) !== target) sum += count;
  return sum;
}
