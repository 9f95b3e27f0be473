/** Catalog entries of the per-task perf counters (src/perf/). */
import { type Catalog, entry } from "./catalog_entry.ts";

const PERF = "perf_event (per task cgroup, summed over CPUs)";

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
});
