export { MeasurementRunner } from "./runner.ts";
export {
  defaultLabelGenerators,
  type TaskLabelGenerator,
  TaskLabelRegexGenerator,
  taskLabels,
} from "./labels.ts";
export { measurementRunnerSchema } from "./schema.ts";
