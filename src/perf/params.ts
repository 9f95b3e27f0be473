/** The fragment of MeasurementRunner's parameters that per-task perf counters own. */
import { boolean, listOf, text, type z } from "../config/schema.ts";
import { nearest } from "../config/suggest.ts";
import { canonicalEventNames } from "./event_aliases.ts";
import { knownEventNames, parseRawEventName } from "./events.ts";

/** Names no CPU could count (neither known nor a well-formed raw name): refused when the config loads. */
function refuseUnknownEvents(names: readonly string[], ctx: z.RefinementCtx): void {
  const known = knownEventNames();
  names.forEach((given, index) => {
    const name = canonicalEventNames([given])[0] ?? given;
    if (known.includes(name)) return;
    try {
      if (parseRawEventName(name)) return;
    } catch (error) {
      ctx.addIssue({ code: "custom", path: [index], message: (error as Error).message });
      return;
    }
    const guess = nearest(name, known);
    ctx.addIssue({
      code: "custom",
      path: [index],
      message:
        `expected a perf event${guess ? ` (did you mean ${guess}?)` : ""}: one of ${known.join(", ")}, ` +
        "a WCA 1.0 name, or a raw event name__rEEUU",
    });
  });
}

export const perfParams = {
  event_names: listOf(text(256), 64).default([]).transform(canonicalEventNames).superRefine(
    refuseUnknownEvents,
  )
    .describe(
      "perf events per task: task_instructions, task_cycles, task_cache_misses, task_cache_references, " +
        "software events, predefined raw events or name__rEEUU[CC[config1]] (see docs/measuring.md). WCA 1.0's names " +
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
