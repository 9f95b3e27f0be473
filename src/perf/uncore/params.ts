/** The fragment of MeasurementRunner's parameters that uncore PMU counters own. */
import { boolean, listOf, text, type z } from "../../config/schema.ts";
import { parseUncoreEvent, parseUncoreEvents } from "./events.ts";

/** One uncore_event_names entry, checked by the same parser the uncore source uses. */
function uncoreEventName() {
  return text(256).superRefine((value, ctx) => {
    try {
      parseUncoreEvent(value);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
    }
  });
}

function noRepeatedUncoreEvents(values: string[], ctx: z.RefinementCtx): void {
  try {
    parseUncoreEvents(values);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
  }
}

export const uncoreParams = {
  enable_perf_uncore: boolean().optional().describe(
    "Uncore PMU counters: unset or true = measure uncore_event_names, false = off.",
  ),
  uncore_event_names: listOf(uncoreEventName(), 64).default([]).superRefine(noRepeatedUncoreEvents).describe(
    "Uncore events per socket: predefined names (platform_cas_count_reads …) or name/uncore_imc/event=0x..,umask=0x../.",
  ),
};

export interface UncoreParams {
  readonly enable_perf_uncore?: boolean | undefined;
  readonly uncore_event_names: readonly string[];
  /** Shared with per-task perf: derived bandwidth and latency. */
  readonly enable_derived_metrics: boolean;
}
