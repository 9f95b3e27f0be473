import assert from "node:assert/strict";
import { catalogNames, lookupMetric, METRIC_CATALOG, withCatalog } from "../../src/metrics/catalog.ts";
import { metric } from "../../src/metrics/metric.ts";
import { LABEL_NAME_PATTERN, METRIC_NAME_PATTERN } from "../../src/metrics/prometheus.ts";

/** The names the runners will emit (WCA-compatible); the catalog must describe each of them. */
const EXPECTED = [
  "platform_vmstat",
  "platform_vmstat_current",
  "platform_node_vmstat_current",
  ...[
    "numa_pages_migrated",
    "pgmigrate_success",
    "pgmigrate_fail",
    "numa_hint_faults",
    "numa_hint_faults_local",
    "pgfaults",
  ].map((k) => `platform_vmstat_${k}`),
  "platform_scaling_uncore_factor",
  "task_requested_cpus",
  "task_requested_mem_bytes",
  "wca_duration_seconds_avg",
  "platform_node_vmstat",
  "platform_zoneinfo",
  ...["cpu", "mem", "io"].flatMap((
    r,
  ) => [`task_${r}_pressure_some_seconds`, `task_${r}_pressure_full_seconds`]),
  "wca_up",
  "wca_tasks",
  "wca_mem_usage_bytes",
  "wca_duration_seconds",
  "wca_information",
  "wca_warning_count",
  "wca_error_count",
  "wca_storage_write_errors_total",
  "wca_storage_dropped_metrics_total",
  "wca_http_connections_dropped_total",
  "platform_cpu_usage",
  "platform_mem_usage_bytes",
  "platform_mem_numa_free_bytes",
  "platform_mem_numa_used_bytes",
  "platform_topology_cores",
  "platform_topology_cpus",
  "platform_topology_sockets",
  "platform_last_seen",
  // Uncore PMUs (uncore_event_names) and what enable_derived_metrics derives from them.
  ...[
    ...["cas_count_reads", "cas_count_writes", "pmm_bandwidth_reads", "pmm_bandwidth_writes"],
    ...["rpq_occupancy", "rpq_inserts", "imc_clockticks", "upi_rxl_flits", "upi_txl_flits"],
    ...["dram_reads", "dram_writes", "dram_total", "pmm_reads", "pmm_writes", "pmm_total"]
      .map((n) => `${n}_bytes_per_second`),
    ...["dram_hit_ratio", "upi_bandwidth_bytes_per_second", "rpq_read_latency_seconds"],
  ].map((n) => `platform_${n}`),
  "task_up",
  "task_last_seen",
  "task_subcontainers",
  "task_cpu_usage_seconds",
  "task_mem_usage_bytes",
  "task_mem_max_usage_bytes",
  "task_mem_limit_bytes",
  "task_mem_soft_limit_bytes",
  "task_mem_numa_pages",
  "task_mem_page_faults",
  "task_llc_occupancy_bytes",
  "task_mem_bandwidth_bytes",
  "task_mem_bandwidth_local_bytes",
  "task_mem_bandwidth_remote_bytes",
];

/** Per-task perf counters: generic, predefined raw, software and derived. */
const EXPECTED_PERF = [
  "task_scaling_factor_avg",
  "task_scaling_factor_max",
  "task_instructions",
  "task_cycles",
  "task_cache_misses",
  "task_cache_references",
  "task_stalled_mem_loads",
  "task_offcore_requests_l3_miss_demand_data_rd",
  "task_offcore_requests_outstanding_l3_miss_demand_data_rd",
  "task_offcore_requests_demand_data_rd",
  "task_offcore_requests_demand_rfo",
  "task_mem_load_retired_local_pmm",
  "task_mem_load_retired_local_dram",
  "task_mem_load_retired_remote_dram",
  "task_mem_inst_retired_loads",
  "task_mem_inst_retired_stores",
  "task_dtlb_load_misses",
  "task_task_clock_seconds",
  "task_context_switches",
  "task_cpu_migrations",
  "task_page_faults",
  "task_minor_page_faults",
  "task_major_page_faults",
  "task_ipc",
  "task_ips",
  "task_cache_hit_ratio",
  "task_cache_misses_per_kilo_instructions",
];

/** Uncore PMU counters and the platform bandwidth derived from them. */
const EXPECTED_UNCORE: string[] = [];

/** Intel RDT (resctrl) monitoring. */
const EXPECTED_RDT: string[] = [];

/** WCA 2.x's working set size, scheduler statistics (per task process) and memory modules. */
const EXPECTED_WCA2_FAMILIES = [
  "task_wss_referenced_bytes",
  "task_working_set_size_bytes",
  "task_wss_measure_overhead_seconds",
  "task_sched_stat",
  "task_sched_stat_numa_faults",
  "platform_dimm_count",
  "platform_dimm_total_size_bytes",
  "platform_dimm_speed_bytes_per_second",
  "platform_mem_mode_size_bytes",
  "platform_capacity_per_nvdimm_bytes",
];

/** Anomalies and the NUMAAllocator's own metrics: WCA's names, outside the task_/platform_ families. */
const EXPECTED_DETECTION = [
  "anomaly",
  "anomaly_count",
  "anomaly_last_occurrence",
  ...["task_current_node", "balanced_memory_tasks", "balanced_memory_size", "task_tasks_count"]
    .map((n) => `numa__${n}`),
  "numa__task_pages_to_move",
  "numa__total_pages_to_move",
];

/** Allocations (AllocationRunner): per task, and the runner's statistics. */
const EXPECTED_ALLOCATIONS = [
  ...["cpu_quota", "cpu_shares", "cpuset_cpus_number_of_cpus", "cpuset_mems_number_of_mems"],
  ...["cpuset_memory_migrate", "migrate_pages", "rdt_l3_cache_ways", "rdt_l3_mask", "rdt_mb", "duration"],
  "cpu_quota_period_seconds",
].map((n) => `allocation_${n}`).concat(["allocations_count", "allocations_errors"]);

Deno.test("catalog: holds exactly the WCA names, each well-formed and described", () => {
  assert.deepEqual(
    catalogNames(),
    [
      ...EXPECTED,
      ...EXPECTED_PERF,
      ...EXPECTED_UNCORE,
      ...EXPECTED_RDT,
      ...EXPECTED_WCA2_FAMILIES,
      ...EXPECTED_DETECTION,
      ...EXPECTED_ALLOCATIONS,
    ]
      .sort(),
  );
  for (const name of catalogNames()) {
    const entry = lookupMetric(name)!;
    assert.match(name, METRIC_NAME_PATTERN);
    assert.ok(entry.type === "gauge" || entry.type === "counter", name);
    assert.ok(entry.help.length > 10 && !entry.help.includes("\n"), name);
    assert.ok(entry.unit.length > 0 && entry.source.length > 0, name);
    // WCA named allocation metrics allocation_* and allocations_* (docs/allocation.rst).
    assert.ok(/^(wca|platform|task|allocations?)_/.test(name) || EXPECTED_DETECTION.includes(name), name);
  }
  assert.match("numa_node", LABEL_NAME_PATTERN);
});

Deno.test("catalog: types match the original WCA output", () => {
  // From the WCA README sample output.
  const seen: Record<string, string> = {
    platform_cpu_usage: "counter",
    platform_mem_numa_free_bytes: "gauge",
    task_cpu_usage_seconds: "counter",
    task_instructions: "counter",
    task_last_seen: "counter",
    task_mem_numa_pages: "gauge",
    task_mem_page_faults: "counter",
    task_mem_usage_bytes: "gauge",
    task_scaling_factor_max: "gauge",
    wca_information: "gauge",
    wca_tasks: "gauge",
    // From WCA's metrics list (docs/metrics.rst).
    platform_vmstat_pgfaults: "counter",
    platform_vmstat_numa_pages_migrated: "counter",
    task_requested_cpus: "gauge",
    task_requested_mem_bytes: "gauge",
    wca_duration_seconds_avg: "gauge",
    platform_dram_hit_ratio: "gauge",
    // From WCA's detectors.py and runners/detection.py.
    anomaly: "counter",
    anomaly_count: "counter",
    anomaly_last_occurrence: "counter",
  };
  for (const [name, type] of Object.entries(seen)) assert.equal(lookupMetric(name)?.type, type, name);
});

Deno.test("catalog: frozen, entries too", () => {
  assert.ok(Object.isFrozen(METRIC_CATALOG));
  for (const name of catalogNames()) assert.ok(Object.isFrozen(METRIC_CATALOG[name]), name);
  assert.throws(() => {
    (METRIC_CATALOG as Record<string, unknown>).task_up = undefined;
  }, TypeError);
});

Deno.test("lookupMetric: unknown and inherited names are not entries", () => {
  assert.equal(lookupMetric("nope"), undefined);
  assert.equal(lookupMetric("constructor"), undefined);
  assert.equal(lookupMetric("__proto__"), undefined);
  assert.equal(lookupMetric("task_up")?.type, "gauge");
});

Deno.test("withCatalog: fills missing help/type, keeps given ones, never mutates", () => {
  const bare = Object.freeze(metric("task_cycles", 5, { cpu: "0" }));
  const filled = withCatalog(bare);
  assert.notEqual(filled, bare);
  assert.equal(filled.type, "counter");
  assert.equal(filled.help, lookupMetric("task_cycles")!.help);
  assert.deepEqual(filled.labels, { cpu: "0" });
  assert.equal(bare.type, undefined);

  const own = metric("task_cycles", 5, {}, { help: "own", type: "gauge" });
  assert.equal(withCatalog(own), own);
  const half = withCatalog(metric("task_cycles", 5, {}, { help: "own" }));
  assert.equal(half.help, "own");
  assert.equal(half.type, "counter");

  const unknown = metric("custom_thing", 1);
  assert.equal(withCatalog(unknown), unknown);
});
