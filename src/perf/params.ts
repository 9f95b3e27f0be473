/** The fragment of MeasurementRunner's parameters that per-task perf counters own. */
import { boolean, listOf, text, type z } from "../config/schema.ts";
import { canonicalEventNames } from "./event_aliases.ts";

export const perfParams = {
  event_names: listOf(text(256), 64).default([]).transform(canonicalEventNames).describe(
    "perf events per task: task_instructions, task_cycles, task_cache_misses, task_cache_references, " +
      "software events, predefined raw events or name__rEEUU[CC[config1]] (see README). WCA 1.0's names " +
      "(instructions, cycles, cache_misses, cache_references, stalls_mem_load, memstalls) mean the task_* events.",
  ),
  perf_aggregate_cpus: boolean().default(true).describe(
    "Sum perf counters over CPUs; false: one series per CPU with a cpu label.",
  ),
  enable_derived_metrics: boolean().default(false).describe(
    "task_ipc, task_ips, task_cache_hit_ratio and task_cache_misses_per_kilo_instructions from event_names; " +
      "platform bandwidth and latency (platform_dram_reads_bytes_per_second …) from uncore_event_names.",
  ),
};

export interface PerfParams {
  readonly event_names: z.output<typeof perfParams.event_names>;
  readonly perf_aggregate_cpus: boolean;
  readonly enable_derived_metrics: boolean;
}
