/**
 * The platform picture of one iteration: read from /proc and /sys (each source on its own, so one
 * unreadable file costs only its own metrics) and turned into platform_* metrics by a pure function.
 *
 * vmstat and zoneinfo keep WCA's form: `platform_vmstat{key}` and `platform_node_vmstat{numa_node,key}`
 * for the keys the `vmstat` pattern matches at their start (event counts there, as counters; current
 * amounts such as nr_free_pages in the `_current` gauges beside them), `platform_zoneinfo{numa_node,zone,key}` for
 * the lines the `zoneinfo` pattern takes, and six always-on `platform_vmstat_*` counters.
 */
import { DerivedLabels } from "../metrics/derived_labels.ts";
import { boolean, text, z } from "../config/schema.ts";
import { type Metric, metric } from "../metrics/metric.ts";
import type { SkipReporter } from "../platform/flat_keyed.ts";
import type { HostPaths } from "../platform/host_paths.ts";
import { type ReadText, readTextFile } from "../platform/open_files.ts";
import {
  type Meminfo,
  readMeminfo,
  readProcStat,
  readVmstat,
  readZoneinfo,
  type Vmstat,
  type Zoneinfo,
} from "../platform/procfs/mod.ts";
import { type NodeMeminfo, readNodeMeminfo, readNodeVmstat } from "../platform/sysfs/mod.ts";
import type { Topology } from "../platform/topology.ts";
import { isVmstatEventCount, zoneinfoPattern } from "../platform/procfs/mod.ts";
import { matchAtStart } from "../platform/regexp.ts";

/** true, false, or a pattern that `compile` accepts (its error message becomes the config error). */
export function boolOrPattern(compile: (pattern: string) => RegExp) {
  return z.union([boolean(), text(4096)], { error: "expected true, false or a regular expression" })
    .superRefine((value, ctx) => {
      if (typeof value !== "string") return;
      try {
        compile(value);
      } catch (error) {
        const reason = error instanceof SyntaxError
          ? `expected a regular expression (${error.message})`
          : (error as Error).message;
        ctx.addIssue({ code: "custom", message: reason });
      }
    });
}

/** The fragment of MeasurementRunner's parameters the platform readings own. */
export const platformParams = {
  zoneinfo: boolOrPattern(zoneinfoPattern).default(true).describe(
    "platform_zoneinfo: true = WCA's line pattern \\s+([a-z_]+)\\s+(\\d+), false = off, or a line pattern " +
      "with exactly two groups (key, value), matched at the start of each zoneinfo line.",
  ),
  vmstat: boolOrPattern(matchAtStart).default(true).describe(
    "platform_vmstat{key} and platform_node_vmstat keys: true = all, false = none, or a regular expression " +
      "matched at the start of each key (Python re.match).",
  ),
};

export interface PlatformParams {
  readonly vmstat: boolean | string;
  readonly zoneinfo: boolean | string;
}

/** The platform options of the parameters: compiled vmstat keys and zoneinfo line pattern. */
export function platformOptions(params: PlatformParams, numaNodes: readonly number[]): PlatformOptions {
  const { vmstat, zoneinfo } = params;
  return {
    // vmstat: every key, none, or the keys a pattern matches at their start.
    vmstat: vmstat === true ? /^/ : vmstat === false ? undefined : matchAtStart(vmstat),
    // zoneinfo: WCA's default line pattern, off, or the configured one (validated by the schema).
    zoneinfo: zoneinfo === true
      ? zoneinfoPattern()
      : zoneinfo === false
      ? undefined
      : zoneinfoPattern(zoneinfo),
    numaNodes,
  };
}

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

export interface PlatformOptions {
  /** Keys of vmstat to report, matched at their start (WCA's re.match); undefined: none. */
  readonly vmstat: RegExp | undefined;
  /** The zoneinfo line pattern (two groups: key, value); undefined: zoneinfo is not read. */
  readonly zoneinfo: RegExp | undefined;
  readonly numaNodes: readonly number[];
}

/**
 * WCA's always-on counters: read from /proc/vmstat whatever `vmstat` says, by exact key (WCA matched
 * line prefixes, so its numa_hint_faults took the value of numa_hint_faults_local; we do not).
 */
export const VMSTAT_COUNTERS: Readonly<Record<string, string>> = Object.freeze({
  platform_vmstat_numa_pages_migrated: "numa_pages_migrated",
  platform_vmstat_pgmigrate_success: "pgmigrate_success",
  platform_vmstat_pgmigrate_fail: "pgmigrate_fail",
  platform_vmstat_numa_hint_faults: "numa_hint_faults",
  platform_vmstat_numa_hint_faults_local: "numa_hint_faults_local",
  platform_vmstat_pgfaults: "pgfault",
});

export interface PlatformReadHooks {
  /** Told about a source that failed; its part of the sample is left out. */
  readonly onError: (source: string, error: unknown) => void;
  /** Told about unreadable lines skipped in key-value files. */
  readonly onSkip?: SkipReporter;
  /** How files are read: kept-open descriptors in the runner, open-read-close by default. */
  readonly read?: ReadText;
}

/** Reads every source; a failing one is reported through `onError` and left out. */
export function readPlatformSample(
  paths: HostPaths,
  topology: Topology,
  options: PlatformOptions,
  { onError, onSkip, read = readTextFile }: PlatformReadHooks,
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
  const zoneinfo = options.zoneinfo;
  return {
    timestamp: Date.now(),
    topology,
    cpuUsage: attempt(`${paths.proc}/stat`, () => readProcStat(paths, read)),
    meminfo: attempt(`${paths.proc}/meminfo`, () => readMeminfo(paths, read)),
    nodeMeminfo: attempt(
      `${paths.sys}/devices/system/node/node*/meminfo`,
      () => readNodeMeminfo(paths, nodes, { read }),
    ),
    vmstat: attempt(`${paths.proc}/vmstat`, () => readVmstat(paths, { onSkip, read })),
    nodeVmstat: options.vmstat === undefined
      ? undefined
      : attempt(`${paths.sys}/devices/system/node/node*/vmstat`, () =>
        readNodeVmstat(paths, nodes, { onSkip, read })),
    zoneinfo: zoneinfo === undefined
      ? undefined
      : attempt(`${paths.proc}/zoneinfo`, () => readZoneinfo(paths, { pattern: zoneinfo, onSkip, read })),
  };
}

/**
 * The platform's samples. `derived` keeps their label objects from one call to the next (the runner
 * keeps one), so an encoder builds each series' label text once.
 */
export function platformMetrics(
  sample: PlatformSample,
  options: PlatformOptions,
  common: Record<string, string>,
  derived: DerivedLabels = new DerivedLabels(),
): Metric[] {
  const out: Metric[] = [];
  const { topology } = sample;
  const labels = derived.of(common);
  for (const [cpu, ticks] of sample.cpuUsage ?? []) {
    out.push(metric("platform_cpu_usage", ticks, derived.of(common, "cpu", String(cpu))));
  }
  if (sample.meminfo) out.push(metric("platform_mem_usage_bytes", sample.meminfo.usedBytes, labels));
  for (const [node, info] of sample.nodeMeminfo ?? []) {
    const nodeLabels = derived.of(common, "numa_node", String(node));
    out.push(metric("platform_mem_numa_free_bytes", info.memFreeBytes, nodeLabels));
    out.push(metric("platform_mem_numa_used_bytes", info.memUsedBytes, nodeLabels));
  }
  out.push(metric("platform_topology_cores", topology.cores, labels));
  out.push(metric("platform_topology_cpus", topology.cpus, labels));
  out.push(metric("platform_topology_sockets", topology.sockets, labels));
  const vmstat = sample.vmstat ?? {};
  for (const [name, key] of Object.entries(VMSTAT_COUNTERS)) {
    const value = vmstat[key];
    if (value !== undefined) out.push(metric(name, value, labels));
  }
  const keys = options.vmstat;
  if (keys !== undefined) {
    for (const [key, value] of Object.entries(vmstat)) {
      if (keys.test(key)) {
        out.push(metric(vmstatFamily("platform_vmstat", key), value, derived.of(common, "key", key)));
      }
    }
    for (const [node, stats] of sample.nodeVmstat ?? []) {
      for (const [key, value] of Object.entries(stats)) {
        if (keys.test(key)) {
          const labels = derived.of(common, "numa_node", String(node), "key", key);
          out.push(metric(vmstatFamily("platform_node_vmstat", key), value, labels));
        }
      }
    }
  }
  for (const { node, zone, key, value } of sample.zoneinfo ?? []) {
    out.push(
      metric(
        "platform_zoneinfo",
        value,
        derived.of(common, "numa_node", String(node), "zone", zone, "key", key),
      ),
    );
  }
  out.push(metric("platform_last_seen", sample.timestamp / 1000, labels));
  return out;
}

/** Event counts stay in WCA's family (a counter); current amounts (nr_free_pages …) go to its _current gauge. */
function vmstatFamily(family: "platform_vmstat" | "platform_node_vmstat", key: string): string {
  return isVmstatEventCount(key) ? family : `${family}_current`;
}
