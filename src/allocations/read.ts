/**
 * Current allocations, read back from the system every iteration: nothing is remembered between
 * iterations or across restarts, so what an allocator sees is what the kernel holds.
 */
import type { TaskAllocations } from "../components/decisions.ts";
import type { Task } from "../components/interfaces.ts";
import { readCgroupAllocationFiles } from "../platform/cgroup/allocation_files.ts";
import type { CgroupLayout } from "../platform/cgroup/mounts.ts";
import { readThreadIds } from "../platform/cgroup/threads.ts";
import { groupNameFor } from "../platform/resctrl/groups.ts";
import type { ResctrlTaskGroups } from "../platform/resctrl/task_groups.ts";
import { kernelToQuota, kernelToShares } from "./units.ts";

/** The AllocationConfiguration fields reading needs. */
export interface AllocationConfigLike {
  readonly cpu_quota_period: number;
  readonly cpu_shares_unit: number;
}

export interface ReadAllocationsOptions {
  /** Logical CPUs of the machine (Platform.cpus): cpu_quota is a share of all of them. */
  readonly cpus: number;
  /** With RDT allocation: the owner of the tasks' resctrl groups. */
  readonly rdt?: ResctrlTaskGroups;
  /** rdt.controlGroupsByThread(), read once per iteration and shared by every task. */
  readonly byThread?: ReadonlyMap<number, string>;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * v1: cpu.cfs_quota_us / cpu.cfs_period_us, cpu.shares, cpuset.cpus, cpuset.mems,
 * cpuset.memory_migrate; v2: cpu.max, cpu.weight (as shares), cpuset.cpus, cpuset.mems; and with RDT the
 * task's control group and its schemata. A pod is read from its own cgroup (where the quota and shares
 * go). Undefined when the task's cgroup is gone.
 */
export function readTaskAllocations(
  layout: CgroupLayout,
  task: Task,
  config: AllocationConfigLike,
  options: ReadAllocationsOptions,
): TaskAllocations | undefined {
  return readHeldAllocations(layout, task, config, options)?.allocations;
}

/** What a task holds, with the CFS period its quota is per (not an allocation value, but reported). */
export interface HeldAllocations {
  readonly allocations: TaskAllocations;
  /** v1 cpu.cfs_period_us or v2 cpu.max's period, µs; absent without a cpu controller file. */
  readonly cpuPeriodUs?: number;
}

/** readTaskAllocations with the CFS period, for the allocation metrics. */
export function readHeldAllocations(
  layout: CgroupLayout,
  task: Task,
  config: AllocationConfigLike,
  options: ReadAllocationsOptions,
): HeldAllocations | undefined {
  const files = readCgroupAllocationFiles(layout, task.cgroup_path);
  if (files === undefined) return undefined;
  const out: Mutable<TaskAllocations> = {};
  if (files.cpuLimit !== undefined) out.cpu_quota = kernelToQuota(files.cpuLimit, options.cpus);
  if (files.shares !== undefined) {
    out.cpu_shares = kernelToShares(files.shares, { cpuSharesUnit: config.cpu_shares_unit });
  }
  if (files.cpusetCpus !== undefined) out.cpuset_cpus = files.cpusetCpus;
  if (files.cpusetMems !== undefined) out.cpuset_mems = files.cpusetMems;
  if (files.memoryMigrate !== undefined) out.cpuset_memory_migrate = files.memoryMigrate;
  const rdt = options.rdt;
  if (rdt?.control !== undefined) {
    const ids = taskThreadIds(layout, task) ?? [];
    const name = rdt.locate(groupNameFor(task.cgroup_path), ids, options.byThread);
    out.rdt = { name, ...rdt.schemataOf(name) };
  }
  return {
    allocations: out,
    ...(files.cpuLimit === undefined ? {} : { cpuPeriodUs: files.cpuLimit.periodUs }),
  };
}

/** Threads of the task and of its sub-cgroups (a pod's containers); undefined when its cgroup is gone. */
export function taskThreadIds(layout: CgroupLayout, task: Task): number[] | undefined {
  const main = readThreadIds(layout, task.cgroup_path);
  if (main === undefined) return undefined;
  const ids = new Set(main);
  for (const path of task.subcgroups_paths) for (const id of readThreadIds(layout, path) ?? []) ids.add(id);
  return [...ids];
}
