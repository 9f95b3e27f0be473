/**
 * Host CPU topology: sockets, physical cores and logical CPUs (sysfs), plus the CPU model (cpuinfo).
 * Read once at start-up; the counts feed platform_topology_* and wca_information.
 */
import type { HostPaths } from "./host_paths.ts";
import { type Cpuinfo, readCpuinfo } from "./procfs/cpuinfo.ts";
import { readOnlineCpus } from "./sysfs/cpu_online.ts";
import { type CpuTopologyIds, readCpuTopology } from "./sysfs/cpu_topology.ts";

export interface Topology {
  /** Distinct physical_package_id values among online CPUs. */
  readonly sockets: number;
  /** Distinct (socket, core_id) pairs among online CPUs. */
  readonly cores: number;
  /** Online logical CPUs, what nproc(1) prints. */
  readonly cpus: number;
  readonly onlineCpus: readonly number[];
  readonly cpuIds: readonly CpuTopologyIds[];
  /** "model name" from cpuinfo, or "unknown" when the architecture does not print one. */
  readonly cpuModel: string;
  /** "model" from cpuinfo (x86), used to choose perf event tables. */
  readonly cpuModelNumber: number | undefined;
}

/** Pure: combines the per-CPU ids and cpuinfo into counts. */
export function buildTopology(
  onlineCpus: readonly number[],
  cpuIds: readonly CpuTopologyIds[],
  cpuinfo: Pick<Cpuinfo, "modelName" | "model">,
): Topology {
  const sockets = new Set(cpuIds.map((ids) => ids.socket));
  const cores = new Set(cpuIds.map((ids) => `${ids.socket}:${ids.core}`));
  return Object.freeze({
    sockets: sockets.size,
    cores: cores.size,
    cpus: onlineCpus.length,
    onlineCpus: Object.freeze([...onlineCpus]),
    cpuIds: Object.freeze([...cpuIds]),
    cpuModel: cpuinfo.modelName ?? "unknown",
    cpuModelNumber: cpuinfo.model,
  });
}

/** Reads cpu/online, each online CPU's topology ids and cpuinfo. */
export function readTopology(paths: HostPaths): Topology {
  const onlineCpus = readOnlineCpus(paths);
  return buildTopology(onlineCpus, readCpuTopology(paths, onlineCpus), readCpuinfo(paths));
}
