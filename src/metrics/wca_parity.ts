/**
 * wca's metric families compared with the original WCA's, for docs/metrics.md: which are WCA's unchanged,
 * which differ (type, labels, unit or value) and why, and which are wca's own. Pure data.
 *
 * WCA_FAMILIES is WCA's list: its docs/metrics.rst "Available metrics" tables (name and type; checked
 * against a copy in tests/fixtures/wca/), with the families WCA emitted outside those tables (its
 * detectors, allocation runner, NUMA allocator, logger and 2.x measurement options).
 */
import type { MetricType } from "./metric.ts";

const C = "counter" as const;
const G = "gauge" as const;

/** WCA's metric families and their types, as WCA printed them. */
export const WCA_FAMILIES: Readonly<Record<string, MetricType>> = Object.freeze({
  // docs/metrics.rst: task metrics
  task_instructions: C,
  task_cycles: C,
  task_cache_misses: C,
  task_cache_references: C,
  task_stalled_mem_loads: C,
  task_offcore_requests_l3_miss_demand_data_rd: C,
  task_offcore_requests_demand_data_rd: C,
  task_offcore_requests_demand_rfo: C,
  task_offcore_requests_outstanding_l3_miss_demand_data_rd: C,
  task_mem_load_retired_local_pmm: C,
  task_mem_load_retired_local_dram: C,
  task_mem_load_retired_remote_dram: C,
  task_mem_inst_retired_loads: C,
  task_mem_inst_retired_stores: C,
  task_dtlb_load_misses: C,
  task_scaling_factor_avg: G,
  task_scaling_factor_max: G,
  task_ips: G,
  task_ipc: G,
  task_cache_hit_ratio: G,
  task_cache_misses_per_kilo_instructions: G,
  task_llc_occupancy_bytes: G,
  task_mem_bandwidth_bytes: C,
  task_mem_bandwidth_local_bytes: C,
  task_mem_bandwidth_remote_bytes: C,
  task_cpu_usage_seconds: C,
  task_mem_usage_bytes: G,
  task_mem_max_usage_bytes: G,
  task_mem_limit_bytes: G,
  task_mem_soft_limit_bytes: G,
  task_mem_numa_pages: G,
  task_mem_page_faults: C,
  task_wss_referenced_bytes: G,
  task_requested_cpus: G,
  task_requested_mem_bytes: G,
  task_last_seen: C,
  task_up: C,
  task_subcontainers: G,
  // docs/metrics.rst: platform metrics
  platform_topology_cores: G,
  platform_topology_cpus: G,
  platform_topology_sockets: G,
  platform_dimm_count: G,
  platform_dimm_total_size_bytes: G,
  platform_mem_mode_size_bytes: G,
  platform_cpu_usage: C,
  platform_mem_usage_bytes: G,
  platform_mem_numa_free_bytes: G,
  platform_mem_numa_used_bytes: G,
  platform_vmstat_numa_pages_migrated: C,
  platform_vmstat_pgmigrate_success: C,
  platform_vmstat_pgmigrate_fail: C,
  platform_vmstat_numa_hint_faults: C,
  platform_vmstat_numa_hint_faults_local: C,
  platform_vmstat_pgfaults: C,
  platform_pmm_bandwidth_reads: C,
  platform_pmm_bandwidth_writes: C,
  platform_cas_count_reads: C,
  platform_cas_count_writes: C,
  platform_upi_rxl_flits: C,
  platform_upi_txl_flits: C,
  platform_rpq_occupancy: G,
  platform_rpq_inserts: G,
  platform_imc_clockticks: C,
  platform_rpq_read_latency_seconds: G,
  platform_pmm_reads_bytes_per_second: G,
  platform_pmm_writes_bytes_per_second: G,
  platform_pmm_total_bytes_per_second: G,
  platform_dram_reads_bytes_per_second: G,
  platform_dram_writes_bytes_per_second: G,
  platform_dram_total_bytes_per_second: G,
  platform_dram_hit_ratio: G,
  platform_upi_bandwidth_bytes_per_second: C,
  platform_last_seen: C,
  platform_capacity_per_nvdimm_bytes: G,
  platform_avg_power_per_nvdimm_watts: G,
  platform_nvdimm_read_bandwidth_bytes_per_second: G,
  platform_nvdimm_write_bandwidth_bytes_per_second: G,
  // docs/metrics.rst: internal metrics
  wca_up: C,
  wca_information: G,
  wca_tasks: G,
  wca_mem_usage_bytes: G,
  wca_duration_seconds: G,
  wca_duration_seconds_avg: G,
  // WCA 2.x measurement options (vmstat, zoneinfo, uncore scaling, sched, wss, gather_hw_mm_topology)
  task_working_set_size_bytes: G,
  // WCA added its overhead up (overhead_seconds += …): a running total, so a counter.
  task_wss_measure_overhead_seconds: C,
  task_sched_stat: C,
  task_sched_stat_numa_faults: C,
  platform_dimm_speed_bytes_per_second: G,
  platform_vmstat: C,
  platform_node_vmstat: C,
  platform_zoneinfo: G,
  platform_scaling_uncore_factor: G,
  // WCA's logger, detectors, allocation runner and NUMA allocator
  wca_warning_count: C,
  wca_error_count: C,
  anomaly: C,
  anomaly_count: C,
  anomaly_last_occurrence: C,
  allocation_cpu_quota: G,
  allocation_cpu_shares: G,
  allocation_cpuset_cpus_number_of_cpus: G,
  allocation_cpuset_mems_number_of_mems: G,
  allocation_cpuset_memory_migrate: G,
  allocation_migrate_pages: G,
  allocation_rdt_l3_cache_ways: G,
  allocation_rdt_l3_mask: G,
  allocation_rdt_mb: G,
  allocation_duration: G,
  allocations_count: C,
  allocations_errors: C,
  numa__balanced_memory_size: G,
  numa__balanced_memory_tasks: G,
  numa__task_current_node: G,
  numa__task_pages_to_move: C,
  numa__task_tasks_count: G,
  numa__total_pages_to_move: G,
});

/** A WCA family wca prints differently: what differs and why. */
export interface Difference {
  readonly what: string;
  readonly why: string;
}

const VMSTAT_SPLIT =
  "a Prometheus counter only goes up: `rate()` over `nr_free_pages` is meaningless, over " +
  "`pgfault` it is the fault rate";

/** Every WCA family whose type, labels, unit or values differ in wca. */
export const WCA_DIFFERENCES: Readonly<Record<string, Difference>> = Object.freeze({
  platform_vmstat: {
    what: "event counts only (a counter, as WCA); current amounts (`nr_*`) are in `platform_vmstat_current`",
    why: VMSTAT_SPLIT,
  },
  platform_node_vmstat: {
    what: "event counts only (a counter, as WCA); current amounts in `platform_node_vmstat_current`",
    why: VMSTAT_SPLIT,
  },
  platform_vmstat_numa_hint_faults: {
    what: "the `numa_hint_faults` key exactly",
    why: "WCA matched key prefixes, so its value was overwritten by `numa_hint_faults_local`",
  },
  task_up: { what: "gauge (WCA: counter)", why: "always 1 for a measured task: a state, not a count" },
  platform_upi_bandwidth_bytes_per_second: {
    what: "gauge (WCA: counter)",
    why: "bytes per second over the last interval: it goes up and down",
  },
  platform_rpq_occupancy: {
    what: "counter (WCA: gauge)",
    why: "a raw uncore event count: it only grows (occupancy is accumulated every memory clock)",
  },
  platform_rpq_inserts: { what: "counter (WCA: gauge)", why: "a raw uncore event count: it only grows" },
  platform_rpq_read_latency_seconds: {
    what: "in seconds (occupancy per insert divided by the memory clock rate)",
    why: "WCA's formula left out the interval and gave a number without a unit",
  },
  task_requested_mem_bytes: {
    what: "Mesos `mem` (and `disk`) multiplied by 2^20",
    why: "Mesos counts them in MB of 2^20 bytes; WCA multiplied by 10^6, 4.6 % short",
  },
  task_wss_referenced_bytes: {
    what: "read from `/proc/PID/smaps_rollup`, kB as 1024 bytes; stable when growth is at most the threshold",
    why: "one line per process instead of every mapping; WCA multiplied kB by 1000, and under its " +
      "'less than' an idle task never became stable; without RDT memory bandwidth it is still measured",
  },
  platform_dimm_speed_bytes_per_second: {
    what: "the RAM modules' configured speed times data width, summed, from SMBIOS type 17 in sysfs",
    why: "the kernel's own copy of the firmware table replaces `lshw`/`dmidecode` (no subprocess as root)",
  },
  allocation_cpu_quota: {
    what: "the share the kernel holds: a quota under 1000 µs gets a longer period instead of a larger quota",
    why: "WCA raised such a quota to 1000 µs (0.25 of 2 CPUs at 1000 µs became a whole CPU)",
  },
  allocations_count: {
    what: "only values whose every write was done",
    why: "a refused write (a cgroup without the controller) is in allocations_errors, not applied",
  },
});

/** wca's own families (not in WCA) and why they exist. */
export const WCA_OWN: Readonly<Record<string, string>> = Object.freeze({
  platform_vmstat_current: "current amounts of `platform_vmstat` (`nr_*`, `workingset_nodes`) as a gauge",
  platform_node_vmstat_current: "current amounts of `platform_node_vmstat` as a gauge",
  task_task_clock_seconds: "software perf event: usable on hosts without hardware counters (VMs)",
  task_context_switches: "software perf event: usable on hosts without hardware counters (VMs)",
  task_cpu_migrations: "software perf event: usable on hosts without hardware counters (VMs)",
  task_page_faults: "software perf event: usable on hosts without hardware counters (VMs)",
  task_minor_page_faults: "software perf event: usable on hosts without hardware counters (VMs)",
  task_major_page_faults: "software perf event: usable on hosts without hardware counters (VMs)",
  task_cpu_pressure_some_seconds: "cgroup v2 pressure stall information (PSI), not in WCA",
  task_cpu_pressure_full_seconds: "cgroup v2 pressure stall information (PSI), not in WCA",
  task_mem_pressure_some_seconds: "cgroup v2 pressure stall information (PSI), not in WCA",
  task_mem_pressure_full_seconds: "cgroup v2 pressure stall information (PSI), not in WCA",
  task_io_pressure_some_seconds: "cgroup v2 pressure stall information (PSI), not in WCA",
  task_io_pressure_full_seconds: "cgroup v2 pressure stall information (PSI), not in WCA",
  wca_storage_dropped_metrics_total: "a storage's batches given up (Kafka or HTTP away too long)",
  wca_http_connections_dropped_total:
    "connections the HTTP endpoint dropped at a limit (slow or hostile clients)",
  wca_storage_write_errors_total: "a storage's failed writes",
  allocation_cpu_quota_period_seconds:
    "the CFS period a task's quota is per, which wca lengthens for small quotas",
});

/** How wca prints a WCA family, or undefined when the family is not WCA's. */
export function parityOf(name: string): "unchanged" | Difference | "own" {
  const difference = WCA_DIFFERENCES[name];
  if (difference !== undefined) return difference;
  return Object.hasOwn(WCA_FAMILIES, name) ? "unchanged" : "own";
}
