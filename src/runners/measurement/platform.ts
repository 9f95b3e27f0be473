/**
 * The platform picture of one iteration: read from /proc and /sys (each source on its own, so one
 * unreadable file costs only its own metrics) and turned into platform_* metrics by a pure function.
 */
import { type Metric, metric } from "../../metrics/metric.ts";
import type { HostPaths } from "../../platform/host_paths.ts";
import {
  type Meminfo,
  readMeminfo,
  readProcStat,
  readVmstat,
  readZoneinfo,
  type Vmstat,
  type Zoneinfo,
} from "../../platform/procfs/mod.ts";
import { type NodeMeminfo, readNodeMeminfo, readNodeVmstat } from "../../platform/sysfs/mod.ts";
import type { Topology } from "../../platform/topology.ts";

export interface PlatformSample {
  readonly timestamp: number;
  readonly topology: Topology;
  readonly cpuUsage?: ReadonlyMap<number, number>;
  readonly meminfo?: Meminfo;
  readonly nodeMeminfo?: ReadonlyMap<number, NodeMeminfo>;
  readonly vmstat?: Vmstat;
  readonly nodeVmstat?: ReadonlyMap<number, Vmstat>;
  readonly zoneinfo?: Zoneinfo;
}

/** true: every key; a RegExp: keys it matches; false: none. */
export type KeyFilter = boolean | RegExp;

export interface PlatformOptions {
  readonly vmstat: KeyFilter;
  readonly zoneinfo: KeyFilter;
  readonly numaNodes: readonly number[];
}

/** Reads every source; a failing one is reported through `onError` and left out. */
export function readPlatformSample(
  paths: HostPaths,
  topology: Topology,
  options: PlatformOptions,
  onError: (source: string, error: unknown) => void,
): PlatformSample {
  const attempt = <T>(source: string, read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      onError(source, error);
      return undefined;
    }
  };
  const nodes = options.numaNodes;
  return {
    timestamp: Date.now(),
    topology,
    cpuUsage: attempt(`${paths.proc}/stat`, () => readProcStat(paths)),
    meminfo: attempt(`${paths.proc}/meminfo`, () => readMeminfo(paths)),
    nodeMeminfo: attempt(
      `${paths.sys}/devices/system/node/node*/meminfo`,
      () => readNodeMeminfo(paths, nodes),
    ),
    vmstat: options.vmstat === false ? undefined : attempt(`${paths.proc}/vmstat`, () => readVmstat(paths)),
    nodeVmstat: options.vmstat === false
      ? undefined
      : attempt(`${paths.sys}/devices/system/node/node*/vmstat`, () => readNodeVmstat(paths, nodes)),
    zoneinfo: options.zoneinfo === false
      ? undefined
      : attempt(`${paths.proc}/zoneinfo`, () => readZoneinfo(paths)),
  };
}

function wanted(filter: KeyFilter, key: string): boolean {
  return filter === true || (filter instanceof RegExp && filter.test(key));
}

/** vmstat "nr_*" keys are current amounts; the rest count events since boot. */
function vmstatType(key: string): "gauge" | "counter" {
  return key.startsWith("nr_") ? "gauge" : "counter";
}

const VMSTAT_KEY = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function platformMetrics(
  sample: PlatformSample,
  options: PlatformOptions,
  labels: Record<string, string>,
): Metric[] {
  const out: Metric[] = [];
  const { topology } = sample;
  for (const [cpu, ticks] of sample.cpuUsage ?? []) {
    out.push(metric("platform_cpu_usage", ticks, { ...labels, cpu: String(cpu) }));
  }
  if (sample.meminfo) out.push(metric("platform_mem_usage_bytes", sample.meminfo.usedBytes, labels));
  for (const [node, info] of sample.nodeMeminfo ?? []) {
    const nodeLabels = { ...labels, numa_node: String(node) };
    out.push(metric("platform_mem_numa_free_bytes", info.memFreeBytes, nodeLabels));
    out.push(metric("platform_mem_numa_used_bytes", info.memUsedBytes, nodeLabels));
  }
  out.push(metric("platform_topology_cores", topology.cores, labels));
  out.push(metric("platform_topology_cpus", topology.cpus, labels));
  out.push(metric("platform_topology_sockets", topology.sockets, labels));
  for (const [key, value] of Object.entries(sample.vmstat ?? {})) {
    if (!wanted(options.vmstat, key) || !VMSTAT_KEY.test(key)) continue;
    out.push(metric(`platform_vmstat_${key}`, value, labels, {
      type: vmstatType(key),
      help: `Value of '${key}' in /proc/vmstat.`,
    }));
  }
  for (const [node, stats] of sample.nodeVmstat ?? []) {
    for (const [key, value] of Object.entries(stats)) {
      if (!wanted(options.vmstat, key)) continue;
      out.push(metric("platform_node_vmstat", value, { ...labels, numa_node: String(node), key }));
    }
  }
  for (const zone of sample.zoneinfo?.zones ?? []) {
    for (const [key, value] of Object.entries(zone.values)) {
      if (!wanted(options.zoneinfo, key)) continue;
      out.push(
        metric("platform_zoneinfo", value, { ...labels, numa_node: String(zone.node), zone: zone.zone, key }),
      );
    }
  }
  out.push(metric("platform_last_seen", sample.timestamp / 1000, labels));
  return out;
}
