/**
 * Hand-built snapshots for detector and allocator table tests, shaped like real hosts: NUMA nodes with
 * their CPU lists and sysfs meminfo numbers, tasks with cgroup memory readings and memory.numa_stat pages.
 */
import type { TaskAllocations } from "../../src/components/decisions.ts";
import type { Measurement, NumaNode, Platform, TaskData, TasksData } from "../../src/components/snapshot.ts";

export const GB = 1000 ** 3;

export interface NodeSpec {
  cpus: number[];
  freeBytes?: number;
  usedBytes?: number;
}

/** A platform with these NUMA nodes (ids 0…n-1); distances 10 local / 21 remote, as on two-socket Xeons. */
export function platformWith(nodes: NodeSpec[], extra: Partial<Platform> = {}): Platform {
  const numaNodes: NumaNode[] = nodes.map((n, id) => ({
    id,
    cpus: n.cpus,
    distances: nodes.map((_, other) => (other === id ? 10 : 21)),
    memFreeBytes: n.freeBytes,
    memUsedBytes: n.usedBytes,
  }));
  const cpus = nodes.flatMap((n) => n.cpus);
  return {
    sockets: nodes.length,
    cores: cpus.length,
    cpus: cpus.length,
    onlineCpus: cpus,
    topology: new Map(
      numaNodes.flatMap((n) => n.cpus.map((cpu) => [cpu, { socket: n.id, core: cpu }] as const)),
    ),
    cpuModel: "Intel(R) Xeon(R) Gold 6140 CPU @ 2.30GHz",
    cpuModelNumber: 85,
    numaNodes,
    swapEnabled: false,
    rdt: undefined,
    measurements: new Map<string, Measurement>([
      ["platform_mem_numa_free_bytes", new Map(numaNodes.map((n) => [String(n.id), n.memFreeBytes ?? 0]))],
      ["platform_mem_numa_used_bytes", new Map(numaNodes.map((n) => [String(n.id), n.memUsedBytes ?? 0]))],
    ]),
    timestamp: 1_700_000_000_000,
    ...extra,
  };
}

export interface TaskSpec {
  labels?: Record<string, string>;
  resources?: Record<string, number | string>;
  /** Plain measurements by metric name. */
  measurements?: Record<string, number>;
  /** task_mem_numa_pages by node id. */
  numaPages?: Record<number, number>;
  allocations?: TaskAllocations;
}

export function taskData(taskId: string, spec: TaskSpec = {}): TaskData {
  const measurements = new Map<string, Measurement>(Object.entries(spec.measurements ?? {}));
  if (spec.numaPages) {
    measurements.set(
      "task_mem_numa_pages",
      new Map(Object.entries(spec.numaPages).map(([node, pages]) => [node, pages])),
    );
  }
  const labels = { task_id: taskId, task_name: taskId, host: "node101", ...spec.labels };
  return {
    task: {
      name: taskId,
      task_id: taskId,
      cgroup_path: `/${taskId}`,
      subcgroups_paths: [],
      labels: spec.labels ?? {},
      resources: spec.resources ?? {},
    },
    labels,
    resources: spec.resources ?? {},
    measurements,
    ...(spec.allocations ? { allocations: spec.allocations } : {}),
  };
}

/** Tasks by id, in the order given (the order a node reports them). */
export function tasksDataOf(specs: Record<string, TaskSpec>): TasksData {
  return new Map(Object.entries(specs).map(([id, spec]) => [id, taskData(id, spec)]));
}
