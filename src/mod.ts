/**
 * The public plugin API: what an external component (loaded with `-r module.ts:Class`) may import from
 * wca without loading the agent itself — registration, the contracts, the snapshot and decision types,
 * the parameter schema helpers, logging and the metric model. `import { … } from "jsr-or-path/src/mod.ts"`.
 * Importing this module starts nothing and reads no host file.
 */
export {
  type ComponentClass,
  type ComponentContext,
  isRegisteredClass,
  register,
} from "./components/component.ts";
export {
  type Allocator,
  AllocatorInterface,
  type AnomalyDetector,
  AnomalyDetectorInterface,
  type ComponentInterface,
  implementsInterface,
  type Node,
  NodeInterface,
  type Runner,
  RunnerInterface,
  type Storage,
  StorageInterface,
  type Task,
} from "./components/interfaces.ts";
export {
  type AllocationResult,
  AllocationType,
  type Anomaly,
  ContendedResource,
  type ContentionAnomaly,
  type DetectionResult,
  type RdtAllocation,
  type TaskAllocations,
  type TasksAllocations,
} from "./components/decisions.ts";
export type {
  Measurement,
  Measurements,
  NumaNode,
  Platform,
  RdtInformation,
  Snapshot,
  TaskData,
  TasksData,
} from "./components/snapshot.ts";
export {
  absolutePath,
  boolean,
  component,
  hostPort,
  integer,
  listOf,
  mapOf,
  number,
  oneOf,
  params,
  path,
  regex,
  text,
  url,
  z,
} from "./config/schema.ts";
export { FieldError } from "./config/errors.ts";
export { getLogger, type Logger } from "./logging/mod.ts";
export { type Labels, type Metric, metric, type MetricType } from "./metrics/metric.ts";
export { WCA_VERSION } from "./version.ts";
