/** Catalog entries measured from each task process's procfs files: working set size and sched stats. */
import { type Catalog, entry, INTERNAL } from "./catalog_entry.ts";

export const PROCESSES_CATALOG: Catalog = Object.freeze({
  task_wss_referenced_bytes: entry(
    "gauge",
    "bytes",
    "procfs: PID/smaps_rollup (Referenced, summed over the task's processes)",
    "Memory the task's processes touched since their referenced bits were last cleared (/proc/PID/clear_refs).",
  ),
  task_working_set_size_bytes: entry(
    "gauge",
    "bytes",
    "derived: task_wss_referenced_bytes, task_mem_bandwidth_bytes (wss_stable_cycles, wss_membw_threshold)",
    "The task's last stable working set: mean referenced bytes over wss_stable_cycles iterations whose " +
      "growth stayed within wss_membw_threshold of the task's memory traffic.",
  ),
  task_wss_measure_overhead_seconds: entry(
    "counter",
    "seconds",
    INTERNAL,
    "Time the agent spent reading smaps_rollup and clearing referenced bits for the task, since it was first seen.",
  ),
  task_sched_stat: entry(
    "counter",
    "numeric",
    "procfs: PID/sched (key : value lines, summed over the task's processes)",
    "A scheduler statistic of the task's processes, labelled by key (e.g. nr_switches, se.sum_exec_runtime in ms).",
  ),
  task_sched_stat_numa_faults: entry(
    "counter",
    "numeric",
    "procfs: PID/sched (numa_faults lines, summed over the task's processes)",
    "NUMA balancing faults of the task's processes, labelled by numa_node and fault_type " +
      "(task_private, task_shared, group_private, group_shared).",
  ),
});
