/**
 * MeasurementRunner's parameters: the seeds' names and WCA 2.x's. Parameters whose feature arrives later
 * (working-set size, allocation settings) are accepted and validated now, so WCA configs load; the runner
 * says which it ignores.
 */
import { AllocationConfiguration } from "../../allocations/configuration.ts";
import { type Node, NodeInterface, type Storage, StorageInterface } from "../../components/interfaces.ts";
import { boolean, component, integer, mapOf, number, params, regex, text, z } from "../../config/schema.ts";
import { perfParams } from "../../perf/params.ts";
import { uncoreParams } from "../../perf/uncore/params.ts";
import { platformParams } from "../../sources/platform.ts";
import { rdtParams } from "../../sources/rdt.ts";
import { type TaskLabelGenerator, TaskLabelGeneratorInterface } from "./labels.ts";

const regexOrBool = z.union([boolean(), regex()], { error: "expected true, false or a regular expression" });

export const measurementRunnerSchema = params({
  node: component<Node>(NodeInterface).describe("Where tasks come from, e.g. !StaticNode or !CgroupNode."),
  metrics_storage: component<Storage>(StorageInterface).optional()
    .describe("Where metrics go; default: !LogStorage on standard error."),
  interval: number(0.01, 3600).default(1).describe("Seconds between iterations."),
  ...rdtParams,
  extra_labels: mapOf(text(1024)).default({}).describe("Labels added to every metric (values may use !Env)."),
  task_label_generators: mapOf(component<TaskLabelGenerator>(TaskLabelGeneratorInterface)).optional()
    .describe("Task labels derived from task names; default: application and application_version_name."),
  ...perfParams,
  ...uncoreParams,
  include_optional_labels: boolean().default(false).describe(
    "WCA's optional task labels (accepted for WCA compatibility; not supported yet).",
  ),
  gather_hw_mm_topology: boolean().default(false).describe(
    "WCA's memory topology metrics, platform_nvdimm_* (accepted for WCA compatibility; not supported yet).",
  ),
  ...platformParams,
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
  ).optional().describe(
    "Allocation settings as in WCA, used by an AllocationRunner measuring with this runner.",
  ),
});

export type MeasurementRunnerParams = z.infer<typeof measurementRunnerSchema>;

/**
 * Parameters set to something this version cannot do yet, in the order the schema lists them, for one
 * start-up warning that names them all.
 */
// allocation_configuration is not listed: AllocationRunner reads it from its MeasurementRunner, as WCA did.
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
  ];
  return set.filter(([, isSet]) => isSet).map(([name]) => name);
}
