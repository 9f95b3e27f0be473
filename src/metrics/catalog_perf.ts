/** Catalog entries of the per-task perf counters (src/perf/). */
import { type Catalog, entry } from "./catalog_entry.ts";

const PERF = "perf_event (per task cgroup, summed over CPUs)";
const RAW = "perf_event raw event (per task cgroup, summed over CPUs; codes per CPU model)";
const SOFTWARE = "perf_event software event (per task cgroup, summed over CPUs)";
const DERIVED = "derived from perf counters between two iterations";

export const PERF_CATALOG: Catalog = Object.freeze({
  task_scaling_factor_avg: entry(
    "gauge",
    "numeric",
    "perf_event (time_enabled / time_running)",
    "Mean multiplexing scaling factor over the task's perf counters; 1 means counted all the time.",
  ),
  task_scaling_factor_max: entry(
    "gauge",
    "numeric",
    "perf_event (time_enabled / time_running)",
    "Largest multiplexing scaling factor over the task's perf counters; 1 means counted all the time.",
  ),
  task_instructions: entry("counter", "numeric", PERF, "Instructions retired by the task's processes."),
  task_cycles: entry("counter", "numeric", PERF, "CPU cycles spent running the task's processes."),
  task_cache_misses: entry(
    "counter",
    "numeric",
    PERF,
    "Last-level cache misses caused by the task's processes.",
  ),
  task_cache_references: entry(
    "counter",
    "numeric",
    PERF,
    "Last-level cache accesses made by the task's processes.",
  ),
  task_stalled_mem_loads: entry(
    "counter",
    "numeric",
    RAW,
    "Cycles the task's execution stalled while a memory load was outstanding (CYCLE_ACTIVITY.STALLS_MEM_ANY).",
  ),
  task_offcore_requests_l3_miss_demand_data_rd: entry(
    "counter",
    "numeric",
    RAW,
    "Demand data read requests of the task that missed the L3 cache (OFFCORE_REQUESTS.L3_MISS_DEMAND_DATA_RD).",
  ),
  task_offcore_requests_outstanding_l3_miss_demand_data_rd: entry(
    "counter",
    "numeric",
    RAW,
    "Per cycle, the task's outstanding demand data reads that missed L3 (OFFCORE_REQUESTS_OUTSTANDING.L3_MISS_DEMAND_DATA_RD).",
  ),
  task_offcore_requests_demand_data_rd: entry(
    "counter",
    "numeric",
    RAW,
    "Demand data read requests the task sent to the uncore (OFFCORE_REQUESTS.DEMAND_DATA_RD).",
  ),
  task_offcore_requests_demand_rfo: entry(
    "counter",
    "numeric",
    RAW,
    "Demand read-for-ownership requests the task sent to the uncore (OFFCORE_REQUESTS.DEMAND_RFO).",
  ),
  task_mem_load_retired_local_pmm: entry(
    "counter",
    "numeric",
    RAW,
    "Retired loads of the task served by local persistent memory (MEM_LOAD_RETIRED.LOCAL_PMM).",
  ),
  task_mem_load_retired_local_dram: entry(
    "counter",
    "numeric",
    RAW,
    "Retired loads of the task that missed L3 and were served by local DRAM (MEM_LOAD_L3_MISS_RETIRED.LOCAL_DRAM).",
  ),
  task_mem_load_retired_remote_dram: entry(
    "counter",
    "numeric",
    RAW,
    "Retired loads of the task that missed L3 and were served by another socket's DRAM " +
      "(MEM_LOAD_L3_MISS_RETIRED.REMOTE_DRAM).",
  ),
  task_mem_inst_retired_loads: entry(
    "counter",
    "numeric",
    RAW,
    "Load instructions the task retired (MEM_INST_RETIRED.ALL_LOADS).",
  ),
  task_mem_inst_retired_stores: entry(
    "counter",
    "numeric",
    RAW,
    "Store instructions the task retired (MEM_INST_RETIRED.ALL_STORES).",
  ),
  task_dtlb_load_misses: entry(
    "counter",
    "numeric",
    RAW,
    "Loads of the task whose data TLB miss completed a page walk (DTLB_LOAD_MISSES.WALK_COMPLETED).",
  ),
  task_task_clock_seconds: entry(
    "counter",
    "seconds",
    SOFTWARE,
    "CPU time the task's processes ran, as perf's task clock counts it.",
  ),
  task_context_switches: entry("counter", "numeric", SOFTWARE, "Context switches of the task's processes."),
  task_cpu_migrations: entry(
    "counter",
    "numeric",
    SOFTWARE,
    "Times the task's processes moved from one CPU to another.",
  ),
  task_page_faults: entry(
    "counter",
    "numeric",
    SOFTWARE,
    "Page faults of the task's processes counted by perf (task_mem_page_faults is the cgroup's own count).",
  ),
  task_minor_page_faults: entry(
    "counter",
    "numeric",
    SOFTWARE,
    "Page faults of the task's processes that needed no I/O.",
  ),
  task_major_page_faults: entry(
    "counter",
    "numeric",
    SOFTWARE,
    "Page faults of the task's processes that needed I/O.",
  ),
  task_ipc: entry(
    "gauge",
    "numeric",
    DERIVED,
    "Instructions per cycle over the last interval (pods: from their containers' summed counters).",
  ),
  task_ips: entry("gauge", "numeric", DERIVED, "Instructions per second over the last interval."),
  task_cache_hit_ratio: entry(
    "gauge",
    "numeric",
    DERIVED,
    "Share of last-level cache references that hit over the last interval: (references - misses) / references.",
  ),
  task_cache_misses_per_kilo_instructions: entry(
    "gauge",
    "numeric",
    DERIVED,
    "Last-level cache misses per thousand instructions over the last interval.",
  ),
});
