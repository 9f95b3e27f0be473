/**
 * NUMAAllocator (WCA's extra/numa_allocator.py, see docs/numa_allocator.rst there): pins one not yet
 * pinned task per iteration to a NUMA node (cpuset_cpus = the node's CPUs; optionally cpuset_mems and
 * cpuset_memory_migrate; optionally migrate_pages to that node), biggest tasks first, and moves back the
 * pages of pinned tasks whose memory drifted away. Keeps only the pages-to-move counters across iterations.
 */
import type { AllocationResult, TaskAllocations } from "../components/decisions.ts";
import type { Allocator } from "../components/interfaces.ts";
import type { Platform, TasksData } from "../components/snapshot.ts";
import { boolean, number, oneOf, params, type z } from "../config/schema.ts";
import { getLogger } from "../logging/mod.ts";
import type { Metric } from "../metrics/metric.ts";
import { formatListFormat } from "../platform/list_format.ts";
import {
  type BalancedMemory,
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
  numaPages,
  numaPreferences,
  pagesToMove,
  type TaskMemory,
  taskMemoryLimit,
} from "./numa_memory.ts";

const log = getLogger("wca.allocators.numa");

const schema = params({
  // WCA's enum value was 'minimize_migration' while its docs said 'minimize_migrations': both are taken.
  algorithm: oneOf(["fill_biggest_first", "minimize_migrations", "minimize_migration"]).default(
    "fill_biggest_first",
  )
    .describe(
      "fill_biggest_first: biggest task to the node with least pinned memory; minimize_migrations: " +
        "keep a task where most of its memory is.",
    ),
  loop_min_task_balance: number(0, 1).default(0).describe(
    "minimize_migrations skips a task whose most used node holds less than this share of its pages (lets autoNUMA work).",
  ),
  free_space_check: boolean().default(false).describe(
    "Do not pin a task to a node without room for its memory.",
  ),
  migrate_pages: boolean().default(true).describe("Move the pinned task's pages with migrate_pages(2)."),
  migrate_pages_min_task_balance: number(0, 1).nullable().default(0.95).describe(
    "Re-migrate a pinned task's pages when less than this share is on its node (null: never).",
  ),
  cgroups_memory_binding: boolean().default(false).describe(
    "Also set cpuset_mems to the node (may cause OOM kills).",
  ),
  cgroups_memory_migrate: boolean().default(false).describe(
    "With cgroups_memory_binding: set cpuset_memory_migrate so the kernel moves pages too.",
  ),
  dryrun: boolean().default(false).describe("Compute and report the current state only; allocate nothing."),
});

type Params = z.infer<typeof schema>;

export class NUMAAllocator implements Allocator {
  static readonly schema = schema;
  static readonly description = "Pins tasks to NUMA nodes to keep their memory local.";
  readonly #p: Params;
  /** Pages asked to move per task since the task was first seen (numa__task_pages_to_move). */
  readonly #pagesToMove = new Map<string, number>();
  #warnedNoMemory = false;

  constructor(parameters: Params) {
    this.#p = parameters;
    if (parameters.cgroups_memory_migrate && !parameters.cgroups_memory_binding) {
      log.warning("NUMAAllocator: cgroups_memory_migrate has no effect without cgroups_memory_binding");
    }
  }

  allocate(platform: Platform, tasksData: TasksData): AllocationResult {
    const allocations = new Map<string, TaskAllocations>();
    const metrics: Metric[] = [];
    const nodes = nodeMemory(platform);
    if (nodes === undefined) {
      if (!this.#warnedNoMemory) {
        log.warning(
          "NUMAAllocator: the platform has no free/used memory per NUMA node; nothing is allocated",
        );
      }
      this.#warnedNoMemory = true;
      return { allocations, anomalies: [], metrics };
    }
    this.#warnedNoMemory = false;

    // 1. The current state: every task's size and page spread, and what is pinned where.
    const tasks = tasksMemory(tasksData, nodes);
    const current = new Map(
      tasks.map((t) => [t.taskId, currentNode(tasksData.get(t.taskId)!.allocations, nodes)]),
    );
    const balanced: BalancedMemory = new Map(
      nodes.map((
        n,
      ) => [
        n.id,
        tasks.filter((t) => current.get(t.taskId) === n.id).map((t) => [t.taskId, t.memory] as const),
      ]),
    );
    for (const [node, pinned] of balanced) {
      const labels = { numa_node: String(node) };
      metrics.push({ name: "numa__balanced_memory_tasks", value: pinned.length, type: "gauge", labels });
      metrics.push({
        name: "numa__balanced_memory_size",
        value: pinned.reduce((sum, [, memory]) => sum + memory, 0),
        type: "gauge",
        labels,
      });
    }
    // WCA printed this once per node, identical series that Prometheus rejects; once here.
    metrics.push({ name: "numa__task_tasks_count", value: tasksData.size, type: "gauge", labels: {} });
    if (this.#p.dryrun) return { allocations, anomalies: [], metrics };

    // 2. Choose one task to pin: the first (biggest) unpinned task the algorithm finds a node for.
    let chosen: { taskId: string; node: number } | undefined;
    for (const task of tasks) {
      const data = tasksData.get(task.taskId)!;
      const node = current.get(task.taskId)!;
      if (!this.#pagesToMove.has(task.taskId)) this.#pagesToMove.set(task.taskId, 0);
      metrics.push({
        name: "numa__task_current_node",
        value: node,
        type: "gauge",
        labels: { ...data.labels },
      });
      if (node >= 0 || task.memory === 0 || chosen !== undefined) continue;
      const target = this.#choose(task, balanced, nodes);
      if (target === undefined) continue;
      const pages = numaPages(data.measurements);
      if (
        this.#p.free_space_check &&
        !isEnoughMemoryOnTarget(task.memory, nodes.find((n) => n.id === target)!, pages)
      ) {
        log.debug(`NUMAAllocator: task ${task.taskId}: not enough free memory on node ${target}; not pinned`);
        continue;
      }
      chosen = { taskId: task.taskId, node: target };
    }
    for (const taskId of [...this.#pagesToMove.keys()]) {
      if (!tasksData.has(taskId)) this.#pagesToMove.delete(taskId);
    }

    // 3. Pin it.
    if (chosen !== undefined) this.#pin(allocations, chosen.taskId, chosen.node, tasksData, nodes);

    // 4. Move back the pages of pinned tasks whose memory drifted (only those on the least used node, as WCA).
    const minBalance = this.#p.migrate_pages_min_task_balance;
    if (this.#p.migrate_pages && minBalance !== null) {
      const leastUsed = leastUsedNode(nodes);
      for (const task of tasks) {
        const node = current.get(task.taskId)!;
        if (node < 0 || node !== leastUsed || (task.preferences.get(node) ?? 0) >= minBalance) continue;
        this.#addPages(task.taskId, pagesToMove(numaPages(tasksData.get(task.taskId)!.measurements), node));
        allocations.set(task.taskId, { ...allocations.get(task.taskId), migrate_pages: node });
        log.debug(`NUMAAllocator: task ${task.taskId}: pages drifted from node ${node}; migrating them back`);
      }
    }

    // 5. The pages-to-move counters.
    for (const [taskId, pages] of this.#pagesToMove) {
      metrics.push({
        name: "numa__task_pages_to_move",
        value: pages,
        type: "counter",
        labels: { ...tasksData.get(taskId)!.labels },
      });
    }
    const total = [...this.#pagesToMove.values()].reduce((a, b) => a + b, 0);
    metrics.push({ name: "numa__total_pages_to_move", value: total, type: "gauge", labels: {} });
    return { allocations, anomalies: [], metrics };
  }

  #choose(task: TaskMemory, balanced: BalancedMemory, nodes: readonly NodeMemory[]): number | undefined {
    if (this.#p.algorithm === "fill_biggest_first") return bestMemoryNode(task.memory, balanced);
    if ((task.preferences.get(mostUsedNode(task.preferences)) ?? 0) < this.#p.loop_min_task_balance) {
      return undefined;
    }
    return migrationMinimizerCore(
      mostUsedNodes(task.preferences),
      bestMemoryNodes(task.memory, balanced),
      mostFreeMemoryNodes(task.memory, nodes),
    );
  }

  #pin(
    allocations: Map<string, TaskAllocations>,
    taskId: string,
    node: number,
    tasksData: TasksData,
    nodes: readonly NodeMemory[],
  ): void {
    log.debug(`NUMAAllocator: task ${taskId}: pinning to node ${node}`);
    const cpus = formatListFormat(nodes.find((n) => n.id === node)!.cpus);
    let task: TaskAllocations = { cpuset_cpus: cpus };
    if (this.#p.cgroups_memory_binding) {
      task = { ...task, cpuset_mems: String(node) };
      if (this.#p.cgroups_memory_migrate) task = { ...task, cpuset_memory_migrate: true };
    }
    if (this.#p.migrate_pages) {
      this.#addPages(taskId, pagesToMove(numaPages(tasksData.get(taskId)!.measurements), node));
      task = { ...task, migrate_pages: node };
    }
    allocations.set(taskId, task);
  }

  #addPages(taskId: string, pages: number): void {
    this.#pagesToMove.set(taskId, (this.#pagesToMove.get(taskId) ?? 0) + pages);
  }
}

/** Each node's CPUs and free/used bytes, or undefined when the platform lacks a node's memory numbers. */
export function nodeMemory(platform: Platform): NodeMemory[] | undefined {
  const nodes: NodeMemory[] = [];
  for (const node of [...platform.numaNodes].sort((a, b) => a.id - b.id)) {
    if (node.memFreeBytes === undefined || node.memUsedBytes === undefined) return undefined;
    nodes.push({ id: node.id, cpus: node.cpus, freeBytes: node.memFreeBytes, usedBytes: node.memUsedBytes });
  }
  return nodes.length > 0 ? nodes : undefined;
}

/** Every task's memory size and page spread, biggest first (ties keep the node's task order). */
export function tasksMemory(tasksData: TasksData, nodes: readonly NodeMemory[]): TaskMemory[] {
  const total = nodes.reduce((sum, n) => sum + n.freeBytes + n.usedBytes, 0);
  const ids = nodes.map((n) => n.id);
  return [...tasksData]
    .map(([taskId, data]) => ({
      taskId,
      memory: taskMemoryLimit(data, total),
      preferences: numaPreferences(numaPages(data.measurements), ids),
    }))
    .sort((a, b) => b.memory - a.memory);
}
