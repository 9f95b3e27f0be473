/**
 * Intel RDT / AMD QoS through the resctrl filesystem: discovery (info), monitoring groups and their
 * counters, and control operations with validated schemata for allocators.
 */
export {
  type CacheInfo,
  type CacheResource,
  hexMask,
  type MbInfo,
  type MbUnit,
  type MonitoringInfo,
  parseResctrlInfo,
  readResctrlInfo,
  type ResctrlInfo,
  type ResctrlInfoSource,
} from "./info.ts";
export {
  checkGroupName,
  GROUP_PREFIX,
  type GroupDirectories,
  groupNameFor,
  KERNEL_DIRECTORIES,
  lastCmdStatus,
  ResctrlLimitError,
  ResctrlWriteError,
  type TaskWriteResult,
} from "./groups.ts";
export {
  MON_EVENTS,
  type MonEvent,
  type MonReading,
  type MonValue,
  parseMonValue,
  readMonData,
} from "./mon_data.ts";
export {
  controlDir,
  type ControlPlacement,
  MonitorGroups,
  type MonitorOutcome,
  type MonitorSyncReport,
  type MonitorTarget,
} from "./monitor.ts";
export { type AssignResult, ResctrlTaskGroups } from "./task_groups.ts";
export {
  formatSchemataLine,
  parseSchemata,
  parseSchemataLine,
  SchemataError,
  type SchemataLine,
  type SchemataRequest,
  type SchemataValues,
  type ValidatedSchemata,
  validateSchemata,
} from "./schemata.ts";
export { fullSchemata, ResctrlControl, type ResctrlControlOptions, ROOT_GROUP } from "./control.ts";
