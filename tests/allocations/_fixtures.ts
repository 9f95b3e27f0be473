/** Plain platforms and tasks for the allocation tests. */
import type { TaskAllocations } from "../../src/components/decisions.ts";
import type { Task } from "../../src/components/interfaces.ts";
import type { Platform, RdtInformation, TaskData } from "../../src/components/snapshot.ts";

export function platform(overrides: Partial<Platform> = {}): Platform {
  return {
    sockets: 1,
    cores: 2,
    cpus: 2,
    onlineCpus: [0, 1],
    topology: new Map([[0, { socket: 0, core: 0 }], [1, { socket: 0, core: 1 }]]),
    cpuModel: "test",
    cpuModelNumber: undefined,
    numaNodes: [{ id: 0, cpus: [0, 1], distances: [10], memFreeBytes: undefined, memUsedBytes: undefined }],
    swapEnabled: false,
    rdt: undefined,
    measurements: new Map(),
    timestamp: 0,
    ...overrides,
  };
}

export const RDT_ON: RdtInformation = {
  cacheAllocation: true,
  memoryBandwidthAllocation: true,
  monitoring: true,
  cbmMask: "fffff",
  minCbmBits: 1,
  numClosids: 16,
  mbBandwidthGran: 10,
  mbMinBandwidth: 10,
};

export function task(id: string, cgroupPath = `/${id}`, subcgroups: string[] = []): Task {
  return {
    name: id,
    task_id: id,
    cgroup_path: cgroupPath,
    subcgroups_paths: subcgroups,
    labels: { app: id },
    resources: {},
  };
}

export function tasksData(
  tasks: Task[],
  current: Record<string, TaskAllocations> = {},
): Map<string, TaskData> {
  return new Map(tasks.map((t) => [t.task_id, {
    task: t,
    labels: { task_id: t.task_id },
    resources: t.resources,
    measurements: new Map(),
    ...(current[t.task_id] === undefined ? {} : { allocations: current[t.task_id] }),
  }]));
}
