/**
 * cgroup v1 task measurements (Documentation/admin-guide/cgroup-v1/cpuacct.rst, memory.rst).
 */
import type { DirReader } from "./dir_reader.ts";
import { parseIdList, parseLimit, parseSingleInteger, pickFlatKeyed } from "./formats.ts";
import { parseNumaStatV1 } from "./numa_stat.ts";

export interface CpuMeasurements {
  /** User and system CPU time of the cgroup and its children. */
  readonly cpuUsageSeconds?: number;
  /** Thread ids in the cgroup: every thread, as resctrl needs them, not only processes. */
  readonly pids?: readonly number[];
}

export interface MemoryMeasurements {
  readonly memoryUsageBytes?: number;
  readonly memoryMaxUsageBytes?: number;
  /** Infinity when unlimited. */
  readonly memoryLimitBytes?: number;
  /** Infinity when unlimited. */
  readonly memorySoftLimitBytes?: number;
  /** Pages per NUMA node id. */
  readonly numaPages?: ReadonlyMap<number, number>;
  readonly pageFaults?: number;
}

/** cpuacct.usage (nanoseconds) and, unless `pids` is false, tasks, both from the cpuacct hierarchy. */
export function readV1Cpu(dir: DirReader, { pids = true }: { pids?: boolean } = {}): CpuMeasurements {
  const usage = dir.read("cpuacct.usage");
  const tasks = pids ? dir.read("tasks") : undefined;
  return {
    cpuUsageSeconds: usage === undefined
      ? undefined
      : parseSingleInteger(usage, `${dir.dir}/cpuacct.usage`) / 1e9,
    pids: tasks === undefined ? undefined : parseIdList(tasks, `${dir.dir}/tasks`),
  };
}

const PAGE_FAULT_KEYS = ["total_pgfault", "pgfault"] as const;

export function readV1Memory(dir: DirReader): MemoryMeasurements {
  const int = (name: string) => {
    const text = dir.read(name);
    return text === undefined ? undefined : parseSingleInteger(text, `${dir.dir}/${name}`);
  };
  const limit = (name: string) => {
    const text = dir.read(name);
    return text === undefined ? undefined : parseLimit(text, `${dir.dir}/${name}`);
  };
  const numa = dir.read("memory.numa_stat");
  const stat = dir.read("memory.stat");
  // total_pgfault includes child cgroups (a pod's containers); pgfault alone is the cgroup's own.
  const faults = stat === undefined
    ? undefined
    : pickFlatKeyed(stat, `${dir.dir}/memory.stat`, PAGE_FAULT_KEYS, dir.onSkip);
  return {
    memoryUsageBytes: int("memory.usage_in_bytes"),
    memoryMaxUsageBytes: int("memory.max_usage_in_bytes"),
    memoryLimitBytes: limit("memory.limit_in_bytes"),
    memorySoftLimitBytes: limit("memory.soft_limit_in_bytes"),
    numaPages: numa === undefined ? undefined : parseNumaStatV1(numa, `${dir.dir}/memory.numa_stat`),
    pageFaults: faults === undefined ? undefined : faults[0] ?? faults[1],
  };
}
