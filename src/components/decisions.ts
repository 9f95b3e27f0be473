/**
 * What detectors and allocators return: anomalies and allocations, as plain data with WCA's names.
 * Types and constants only; validation and writing live in src/allocations/.
 */
import type { Metric } from "../metrics/metric.ts";

/** The resource two tasks fight over, with WCA's values (they appear in the `resource` label). */
export const ContendedResource = Object.freeze(
  {
    MEMORY_BW: "memory bandwidth",
    LLC: "cache",
    CPUS: "cpus",
    TDP: "thermal design power",
    UNKN: "unknown resource",
  } as const,
);
export type ContendedResource = typeof ContendedResource[keyof typeof ContendedResource];

/** One task suffers because others use a resource: becomes an `anomaly` metric per contending task. */
export interface ContentionAnomaly {
  readonly type?: "contention";
  readonly resource: ContendedResource;
  readonly contended_task_id: string;
  readonly contending_task_ids: readonly string[];
  /** The workload instance of the contending tasks, when the detector knows it. */
  readonly contending_workload_instance?: string;
  /** Extra metrics describing the anomaly (e.g. the threshold crossed); labelled with its uuid. */
  readonly metrics?: readonly Metric[];
}

export type Anomaly = ContentionAnomaly;

/** WCA's allocation types: the keys of TaskAllocations. */
export const AllocationType = Object.freeze(
  {
    QUOTA: "cpu_quota",
    SHARES: "cpu_shares",
    CPUSET_CPUS: "cpuset_cpus",
    CPUSET_MEMS: "cpuset_mems",
    CPUSET_MEMORY_MIGRATE: "cpuset_memory_migrate",
    MIGRATE_PAGES: "migrate_pages",
    RDT: "rdt",
  } as const,
);
export type AllocationType = typeof AllocationType[keyof typeof AllocationType];

/** A resctrl control group for a task: `name` (default: the task's own), L3 and MB schemata lines. */
export interface RdtAllocation {
  readonly name?: string;
  /** e.g. "L3:0=fffff;1=fffff" */
  readonly l3?: string;
  /** e.g. "MB:0=50;1=100" */
  readonly mb?: string;
}

/** Allocations of one task; absent keys are left as they are. */
export interface TaskAllocations {
  /** Share of the whole machine's CPU time, 0..1; >= 1.0 means unlimited. */
  readonly cpu_quota?: number;
  /** Relative weight, in units of `cpu_shares_unit` (WCA's AllocationConfiguration). */
  readonly cpu_shares?: number;
  /** cpuset list format, e.g. "0-3,8". */
  readonly cpuset_cpus?: string;
  readonly cpuset_mems?: string;
  readonly cpuset_memory_migrate?: boolean;
  /** Move the task's pages to this NUMA node (migrate_pages(2)). */
  readonly migrate_pages?: number;
  readonly rdt?: RdtAllocation;
}

/** Allocations by task id. */
export type TasksAllocations =
  | ReadonlyMap<string, TaskAllocations>
  | Readonly<Record<string, TaskAllocations>>;

export interface DetectionResult {
  readonly anomalies: readonly Anomaly[];
  readonly metrics?: readonly Metric[];
}

export interface AllocationResult {
  readonly allocations: TasksAllocations;
  readonly anomalies?: readonly Anomaly[];
  readonly metrics?: readonly Metric[];
}
