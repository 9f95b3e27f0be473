/**
 * MeasurementRunner's parameters: the original WCA's names and WCA 2.x's. Parameters whose feature is not
 * implemented are accepted and validated, so WCA configs load; the runner says which it ignores.
 */
import { AllocationConfiguration } from "../../allocations/configuration.ts";
import { type Node, NodeInterface, type Storage, StorageInterface } from "../../components/interfaces.ts";
import { boolean, component, mapOf, number, params, text, z } from "../../config/schema.ts";
import { perfParams } from "../../perf/params.ts";
import { uncoreParams } from "../../perf/uncore/params.ts";
import { memoryTopologyParams } from "../../sources/memory_topology.ts";
import { platformParams } from "../../sources/platform.ts";
import { rdtParams } from "../../sources/rdt.ts";
import { schedParams } from "../../sources/sched.ts";
import { wssParams } from "../../sources/wss.ts";
import { type TaskLabelGenerator, TaskLabelGeneratorInterface } from "./labels.ts";

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
  ...memoryTopologyParams,
  ...platformParams,
  ...schedParams,
  ...wssParams,
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
  ];
  return set.filter(([, isSet]) => isSet).map(([name]) => name);
}
