/**
 * The metric catalog: every metric name the agent emits, with its help text, Prometheus type, unit and
 * where the number comes from. The encoder fills missing help/type from it and docs/metrics.md is
 * rendered from it, so a metric is described once.
 *
 * Names and types follow the original WCA (dashboards and alerts keep working); the help texts are ours.
 * Sources name kernel files relative to their filesystem (procfs, sysfs, cgroup) because only
 * src/platform/host_paths.ts may spell out the mount points.
 */
import { ALLOCATIONS_CATALOG } from "./catalog_allocations.ts";
import { type Catalog, type CatalogEntry, entry, INTERNAL } from "./catalog_entry.ts";
import { DETECTION_CATALOG, NUMA_ALLOCATOR_CATALOG } from "./catalog_detection.ts";
import { MEMORY_TOPOLOGY_CATALOG } from "./catalog_memory_topology.ts";
import { PERF_CATALOG } from "./catalog_perf.ts";
import { PROCESSES_CATALOG } from "./catalog_processes.ts";
import { RDT_CATALOG } from "./catalog_rdt.ts";
import { UNCORE_CATALOG } from "./catalog_uncore.ts";
import type { Metric } from "./metric.ts";

const VMSTAT = "procfs: vmstat (always read)";

/** WCA's always-on vmstat counters, each from one /proc/vmstat key. */
const VMSTAT_COUNTERS_CATALOG: Catalog = {
  platform_vmstat_numa_pages_migrated: entry(
    "counter",
    "numeric",
    `${VMSTAT}: numa_pages_migrated`,
    "Pages migrated by automatic NUMA balancing.",
  ),
  platform_vmstat_pgmigrate_success: entry(
    "counter",
    "numeric",
    `${VMSTAT}: pgmigrate_success`,
    "Pages migrated successfully between NUMA nodes (any cause).",
  ),
  platform_vmstat_pgmigrate_fail: entry(
    "counter",
    "numeric",
    `${VMSTAT}: pgmigrate_fail`,
    "Page migrations between NUMA nodes that failed.",
  ),
  platform_vmstat_numa_hint_faults: entry(
    "counter",
    "numeric",
    `${VMSTAT}: numa_hint_faults`,
    "NUMA hinting page faults taken by automatic NUMA balancing.",
  ),
  platform_vmstat_numa_hint_faults_local: entry(
    "counter",
    "numeric",
    `${VMSTAT}: numa_hint_faults_local`,
    "NUMA hinting page faults that found the page on the faulting CPU's node.",
  ),
  platform_vmstat_pgfaults: entry("counter", "numeric", `${VMSTAT}: pgfault`, "Page faults on the host."),
};

export type { Catalog, CatalogEntry };

/** Frozen: the catalog is shared by every storage and must not change under them. */
export const METRIC_CATALOG: Catalog = Object.freeze({
  // The agent itself.
  wca_up: entry(
    "counter",
    "timestamp",
    INTERNAL,
    "Unix time in seconds of the agent's last iteration; present while the agent is running.",
  ),
  wca_tasks: entry("gauge", "numeric", INTERNAL, "Number of tasks the node reported in the last iteration."),
  wca_mem_usage_bytes: entry(
    "gauge",
    "bytes",
    "procfs: self/status (VmRSS)",
    "Resident memory of the agent process.",
  ),
  wca_duration_seconds: entry(
    "gauge",
    "seconds",
    INTERNAL,
    "Wall time of one step of the last iteration, labelled by step (function).",
  ),
  wca_duration_seconds_avg: entry(
    "gauge",
    "seconds",
    INTERNAL,
    "Mean wall time of one step since the agent started, labelled by step (function).",
  ),
  wca_information: entry(
    "gauge",
    "numeric",
    INTERNAL,
    "Always 1; its labels carry facts about the agent and host (version, CPU model, topology).",
  ),
  wca_warning_count: entry(
    "counter",
    "numeric",
    "logging",
    "Warnings logged since the agent started, labelled by logger module.",
  ),
  wca_error_count: entry(
    "counter",
    "numeric",
    "logging",
    "Errors logged since the agent started, labelled by logger module.",
  ),
  wca_storage_write_errors_total: entry(
    "counter",
    "numeric",
    "storages: LogStorage",
    "Failed writes of a storage since the agent started (the batch was lost), labelled by storage and " +
      "output (a path, or stderr); counted up to the previous iteration.",
  ),
  wca_storage_dropped_metrics_total: entry(
    "counter",
    "numeric",
    "storages: KafkaStorage",
    "Metrics (samples) a storage dropped undelivered since the agent started: its outage buffer was full, " +
      "or shutdown came first; labelled by storage and topic; counted up to the previous iteration.",
  ),

  wca_http_connections_dropped_total: entry(
    "counter",
    "numeric",
    "storages: HTTPMetricsStorage",
    "HTTP connections dropped at a limit since start, labelled by listen, limit and dropped: oldest_waiting " +
      "(had sent no whole request head) or new (got 503).",
  ),

  // The host.
  platform_cpu_usage: entry(
    "counter",
    "userhz",
    "procfs: stat (user+nice+system+irq+softirq+steal per CPU)",
    "Busy time of one logical CPU in USER_HZ ticks (usually 10 ms), labelled by cpu.",
  ),
  platform_mem_usage_bytes: entry(
    "gauge",
    "bytes",
    "procfs: meminfo (MemTotal - MemFree - Buffers - Cached)",
    "Memory in use on the host, excluding buffers and page cache.",
  ),
  platform_mem_numa_free_bytes: entry(
    "gauge",
    "bytes",
    "sysfs: devices/system/node/node*/meminfo (MemFree)",
    "Free memory of one NUMA node, labelled by numa_node.",
  ),
  platform_mem_numa_used_bytes: entry(
    "gauge",
    "bytes",
    "sysfs: devices/system/node/node*/meminfo (MemUsed)",
    "Used memory of one NUMA node, labelled by numa_node.",
  ),
  platform_topology_cores: entry(
    "gauge",
    "numeric",
    "procfs: cpuinfo",
    "Number of physical cores on the host.",
  ),
  platform_topology_cpus: entry(
    "gauge",
    "numeric",
    "procfs: cpuinfo",
    "Number of logical CPUs (hardware threads) online on the host.",
  ),
  platform_topology_sockets: entry(
    "gauge",
    "numeric",
    "procfs: cpuinfo",
    "Number of populated CPU sockets on the host.",
  ),
  platform_vmstat: entry(
    "counter",
    "numeric",
    "procfs: vmstat (event-count keys matched by the vmstat option)",
    "Events since boot counted by one vmstat key (pgfault, numa_hint_faults, nr_dirtied …), labelled by key.",
  ),
  platform_vmstat_current: entry(
    "gauge",
    "numeric",
    "procfs: vmstat (current-amount keys matched by the vmstat option)",
    "Current amount held by one vmstat key (nr_free_pages, nr_dirty, workingset_nodes …), labelled by key.",
  ),
  platform_node_vmstat: entry(
    "counter",
    "numeric",
    "sysfs: devices/system/node/node*/vmstat (event-count keys matched by the vmstat option)",
    "Events since boot counted by one vmstat key of a NUMA node (numa_hit, pgpromote_success …), labelled by numa_node and key.",
  ),
  platform_node_vmstat_current: entry(
    "gauge",
    "numeric",
    "sysfs: devices/system/node/node*/vmstat (current-amount keys matched by the vmstat option)",
    "Current amount held by one vmstat key of a NUMA node (nr_free_pages …), labelled by numa_node and key.",
  ),
  platform_zoneinfo: entry(
    "gauge",
    "numeric",
    "procfs: zoneinfo (lines taken by the zoneinfo pattern)",
    "Per NUMA node and zone memory statistics, labelled by numa_node, zone (per-node-stats for the " +
      "node's own counters) and key.",
  ),
  ...VMSTAT_COUNTERS_CATALOG,
  platform_last_seen: entry(
    "counter",
    "timestamp",
    INTERNAL,
    "Unix time in seconds when the host measurements were last taken.",
  ),

  // Each task.
  task_cpu_pressure_some_seconds: entry(
    "counter",
    "seconds",
    "cgroup v2 cpu.pressure",
    "Total time at least one task of the task stalled waiting for CPU (pressure stall information, some).",
  ),
  task_cpu_pressure_full_seconds: entry(
    "counter",
    "seconds",
    "cgroup v2 cpu.pressure",
    "Total time all non-idle tasks (kernels since 5.13) of the task stalled waiting for CPU (pressure stall information, full).",
  ),
  task_mem_pressure_some_seconds: entry(
    "counter",
    "seconds",
    "cgroup v2 memory.pressure",
    "Total time at least one task of the task stalled waiting for memory (pressure stall information, some).",
  ),
  task_mem_pressure_full_seconds: entry(
    "counter",
    "seconds",
    "cgroup v2 memory.pressure",
    "Total time all non-idle tasks of the task stalled waiting for memory (pressure stall information, full).",
  ),
  task_io_pressure_some_seconds: entry(
    "counter",
    "seconds",
    "cgroup v2 io.pressure",
    "Total time at least one task of the task stalled waiting for I/O (pressure stall information, some).",
  ),
  task_io_pressure_full_seconds: entry(
    "counter",
    "seconds",
    "cgroup v2 io.pressure",
    "Total time all non-idle tasks of the task stalled waiting for I/O (pressure stall information, full).",
  ),
  task_up: entry("gauge", "numeric", INTERNAL, "Always 1 for a task the agent measured in this iteration."),
  task_last_seen: entry(
    "counter",
    "timestamp",
    INTERNAL,
    "Unix time in seconds when the task was last measured.",
  ),
  task_subcontainers: entry(
    "gauge",
    "numeric",
    "node (orchestrator)",
    "Number of containers (cgroups) that make up the task; 0 when the task is a single cgroup.",
  ),
  task_requested_cpus: entry(
    "gauge",
    "numeric",
    "node (task resources: cpus)",
    "CPUs the orchestrator (or StaticNode default_resources) requested for the task.",
  ),
  task_requested_mem_bytes: entry(
    "gauge",
    "bytes",
    "node (task resources: mem)",
    "Memory in bytes the orchestrator (or StaticNode default_resources) requested for the task.",
  ),
  task_cpu_usage_seconds: entry(
    "counter",
    "seconds",
    "cgroup: cpuacct.usage (v1) or cpu.stat usage_usec (v2)",
    "CPU time the task used, user and kernel together.",
  ),
  task_mem_usage_bytes: entry(
    "gauge",
    "bytes",
    "cgroup: memory.usage_in_bytes (v1) or memory.current (v2)",
    "Memory charged to the task's cgroup, page cache included.",
  ),
  task_mem_max_usage_bytes: entry(
    "gauge",
    "bytes",
    "cgroup: memory.max_usage_in_bytes (v1) or memory.peak (v2)",
    "Highest memory charge the task's cgroup has reached.",
  ),
  task_mem_limit_bytes: entry(
    "gauge",
    "bytes",
    "cgroup: memory.limit_in_bytes (v1) or memory.max (v2)",
    "Hard memory limit of the task's cgroup.",
  ),
  task_mem_soft_limit_bytes: entry(
    "gauge",
    "bytes",
    "cgroup: memory.soft_limit_in_bytes (v1) or memory.low (v2)",
    "Soft memory limit of the task's cgroup: the level reclaim pushes it back to under pressure.",
  ),
  task_mem_numa_pages: entry(
    "gauge",
    "numeric",
    "cgroup: memory.numa_stat (hierarchical_total, else total)",
    "Pages of the task resident on one NUMA node, labelled by numa_node.",
  ),
  task_mem_page_faults: entry(
    "counter",
    "numeric",
    "cgroup: memory.stat (pgfault)",
    "Page faults taken by the task's processes.",
  ),
  ...PERF_CATALOG,
  ...UNCORE_CATALOG,
  ...RDT_CATALOG,
  ...PROCESSES_CATALOG,
  ...MEMORY_TOPOLOGY_CATALOG,
  ...DETECTION_CATALOG,
  ...NUMA_ALLOCATOR_CATALOG,
  ...ALLOCATIONS_CATALOG,
});

/** The catalog entry for `name`, or undefined; inherited object keys ("constructor") are not names. */
export function lookupMetric(name: string, catalog: Catalog = METRIC_CATALOG): CatalogEntry | undefined {
  return Object.hasOwn(catalog, name) ? catalog[name] : undefined;
}

/** Catalog names in sorted order. */
export function catalogNames(catalog: Catalog = METRIC_CATALOG): string[] {
  return Object.keys(catalog).sort();
}

/**
 * The metric with help and type filled from the catalog where it has none. Returns the argument itself
 * when there is nothing to fill (or the name is unknown), a new object otherwise: never mutates.
 */
export function withCatalog(metric: Metric, catalog: Catalog = METRIC_CATALOG): Metric {
  if (metric.help !== undefined && metric.type !== undefined) return metric;
  const known = lookupMetric(metric.name, catalog);
  if (known === undefined) return metric;
  return { ...metric, help: metric.help ?? known.help, type: metric.type ?? known.type };
}
