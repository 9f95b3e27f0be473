/**
 * The typed picture of the node that one iteration measures and that detectors and allocators read:
 * the platform and, per task, its labels, resources, measurements and (under AllocationRunner) its
 * current allocations. Metrics are encoded from it; plugins never see the agent's private state.
 * Types only: the measuring lives in the sources, the encoding in the runners.
 */
import type { Labels } from "../metrics/metric.ts";
import type { Task } from "./task.ts";
import type { TaskAllocations } from "./decisions.ts";

/**
 * A measurement by metric name: a number, or for metrics with one more label than the task's (e.g.
 * `task_mem_numa_pages` by `numa_node`, per-CPU perf counts by `cpu`) the values by that label's value.
 */
export type Measurement = number | ReadonlyMap<string, number>;
export type Measurements = ReadonlyMap<string, Measurement>;

export interface NumaNode {
  readonly id: number;
  /** Logical CPUs of the node (sysfs nodeN/cpulist). */
  readonly cpus: readonly number[];
  /** Distances to every node, in node id order (sysfs nodeN/distance); empty when unknown. */
  readonly distances: readonly number[];
  readonly memFreeBytes: number | undefined;
  readonly memUsedBytes: number | undefined;
}

/** What resctrl offers on this host, as far as an allocator needs to know. */
export interface RdtInformation {
  readonly cacheAllocation: boolean;
  readonly memoryBandwidthAllocation: boolean;
  readonly monitoring: boolean;
  /** info/L3/cbm_mask, e.g. "fffff"; undefined without cache allocation. */
  readonly cbmMask: string | undefined;
  readonly minCbmBits: number | undefined;
  /** CLOSIDs available (the smallest num_closids over the resources). */
  readonly numClosids: number | undefined;
  readonly mbBandwidthGran: number | undefined;
  readonly mbMinBandwidth: number | undefined;
}

export interface Platform {
  readonly sockets: number;
  readonly cores: number;
  readonly cpus: number;
  readonly onlineCpus: readonly number[];
  /** Logical CPU → its socket and core. */
  readonly topology: ReadonlyMap<number, { readonly socket: number; readonly core: number }>;
  readonly cpuModel: string;
  readonly cpuModelNumber: number | undefined;
  readonly numaNodes: readonly NumaNode[];
  /** Whether any swap is configured (SwapTotal > 0): migrate_pages is refused while it is. */
  readonly swapEnabled: boolean | undefined;
  readonly rdt: RdtInformation | undefined;
  /** platform_* measurements by metric name (per-CPU and per-node ones keyed by that label). */
  readonly measurements: Measurements;
  /** Milliseconds since the epoch when the iteration measured the platform. */
  readonly timestamp: number;
}

export interface TaskData {
  readonly task: Task;
  /** The task's labels as every task metric carries them (task labels, generated labels, host…). */
  readonly labels: Labels;
  readonly resources: Task["resources"];
  readonly measurements: Measurements;
  /** What the system holds for the task now; only under AllocationRunner. */
  readonly allocations?: TaskAllocations;
}

/** Tasks by task id. */
export type TasksData = ReadonlyMap<string, TaskData>;

export interface Snapshot {
  readonly platform: Platform;
  readonly tasks: TasksData;
}
