/**
 * MeasurementRunner's parameters: the seeds' names and WCA 2.x's. Parameters whose feature arrives later
 * (working-set size, allocation settings) are accepted and validated now, so WCA configs load; the runner
 * says which it ignores.
 */
import { AllocationConfiguration } from "../../allocations/configuration.ts";
import { type Node, NodeInterface, type Storage, StorageInterface } from "../../components/interfaces.ts";
import {
  boolean,
  component,
  integer,
  listOf,
  mapOf,
  number,
  params,
  regex,
  text,
  z,
} from "../../config/schema.ts";
import { canonicalEventNames } from "../../perf/event_aliases.ts";
import { parseUncoreEvent, parseUncoreEvents } from "../../perf/uncore/events.ts";
import { zoneinfoPattern } from "../../platform/procfs/zoneinfo.ts";
import { matchAtStart } from "../../platform/regexp.ts";
import { type TaskLabelGenerator, TaskLabelGeneratorInterface } from "./labels.ts";

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

/** true, false, or a pattern that `compile` accepts (its error message becomes the config error). */
function boolOrPattern(compile: (pattern: string) => RegExp) {
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

const regexOrBool = z.union([boolean(), regex()], { error: "expected true, false or a regular expression" });

export const measurementRunnerSchema = params({
  node: component<Node>(NodeInterface).describe("Where tasks come from, e.g. !StaticNode or !CgroupNode."),
  metrics_storage: component<Storage>(StorageInterface).optional()
    .describe("Where metrics go; default: !LogStorage on standard error."),
  interval: number(0.01, 3600).default(1).describe("Seconds between iterations."),
  rdt_enabled: boolean().optional().describe(
    "Intel RDT monitoring through resctrl: unset = on when resctrl is mounted with monitoring, " +
      "true = required (exit 1 without it), false = off.",
  ),
  extra_labels: mapOf(text(1024)).default({}).describe("Labels added to every metric (values may use !Env)."),
  task_label_generators: mapOf(component<TaskLabelGenerator>(TaskLabelGeneratorInterface)).optional()
    .describe("Task labels derived from task names; default: application and application_version_name."),
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
  enable_perf_uncore: boolean().optional().describe(
    "Uncore PMU counters: unset or true = measure uncore_event_names, false = off.",
  ),
  uncore_event_names: listOf(uncoreEventName(), 64).default([]).superRefine(noRepeatedUncoreEvents).describe(
    "Uncore events per socket: predefined names (platform_cas_count_reads …) or name/uncore_imc/event=0x..,umask=0x../.",
  ),
  include_optional_labels: boolean().default(false).describe(
    "WCA's optional task labels (accepted for WCA compatibility; not supported yet).",
  ),
  gather_hw_mm_topology: boolean().default(false).describe(
    "WCA's memory topology metrics, platform_nvdimm_* (accepted for WCA compatibility; not supported yet).",
  ),
  zoneinfo: boolOrPattern(zoneinfoPattern).default(true).describe(
    "platform_zoneinfo: true = WCA's line pattern \\s+([a-z_]+)\\s+(\\d+), false = off, or a line pattern " +
      "with exactly two groups (key, value), matched at the start of each zoneinfo line.",
  ),
  vmstat: boolOrPattern(matchAtStart).default(true).describe(
    "platform_vmstat{key} and platform_node_vmstat keys: true = all, false = none, or a regular expression " +
      "matched at the start of each key (Python re.match).",
  ),
  sched: regexOrBool.default(false).describe("Per-task /proc/PID/sched (not yet supported)."),
  wss_reset_cycles: integer(0).optional().describe(
    "Working set size: reset referenced bytes every this many iterations; 0 = never (not yet supported).",
  ),
  wss_reset_interval: integer(0).optional().describe("Working set size, WCA 1.x name (not yet supported)."),
  wss_stable_cycles: integer(-1_000_000, 1_000_000).default(0).describe(
    "Working set size: iterations of stable referenced bytes before the set counts as stable; negative = " +
      "the same count without a reset when stable; 0 = off (not yet supported).",
  ),
  wss_stable_duration: integer(0).optional().describe("Working set size, WCA 1.x name (not yet supported)."),
  wss_threshold_divider: integer(1).optional().describe(
    "Working set size, WCA 1.x name (not yet supported).",
  ),
  wss_membw_threshold: number(0).optional().describe(
    "Working set size: memory bandwidth fraction (0.01 = 1%) below which referenced bytes count as stable " +
      "(not yet supported).",
  ),
  allocation_configuration: z.custom<AllocationConfiguration>(
    (value) => value instanceof AllocationConfiguration,
    { error: "expected !AllocationConfiguration" },
  ).optional().describe("Allocation settings as in WCA (not applied yet: this version measures only)."),
});

export type MeasurementRunnerParams = z.infer<typeof measurementRunnerSchema>;

/**
 * Parameters set to something this version cannot do yet, in the order the schema lists them, for one
 * start-up warning that names them all.
 */
export function unsupportedSettings(p: MeasurementRunnerParams): string[] {
  const set: Array<[string, boolean]> = [
    ["include_optional_labels", p.include_optional_labels],
    ["gather_hw_mm_topology", p.gather_hw_mm_topology],
    ["sched", p.sched !== false],
    ["wss_reset_cycles", p.wss_reset_cycles !== undefined],
    ["wss_reset_interval", p.wss_reset_interval !== undefined],
    ["wss_stable_cycles", p.wss_stable_cycles !== 0],
    ["wss_stable_duration", p.wss_stable_duration !== undefined],
    ["wss_threshold_divider", p.wss_threshold_divider !== undefined],
    ["wss_membw_threshold", p.wss_membw_threshold !== undefined],
    ["allocation_configuration", p.allocation_configuration !== undefined],
  ];
  return set.filter(([, isSet]) => isSet).map(([name]) => name);
}
