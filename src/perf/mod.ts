/** src/perf/: per-task perf counters through ffi/, as a MeasurementRunner source. */
export {
  counterLimitProblem,
  fdLimitAdvice,
  openRefusal,
  permissionProblem,
  programmableCounters,
} from "./checks.ts";
export { loadLibc } from "./load_libc.ts";
export { type CpuCodename, cpuCodename, type CpuIdentity, cpuIdentity, describeCpu } from "./cpu_model.ts";
export { type CounterSnapshot, DERIVED_METRIC_NAMES, derivePerfMetrics } from "./derived.ts";
export {
  knownEventNames,
  parseRawEventName,
  type PerfEvent,
  PREDEFINED_RAW_EVENTS,
  rawConfig,
  resolveEvents,
} from "./events.ts";
export { createPerfSource, perfPlacementOrRefusal } from "./factory.ts";
export {
  type GroupEvent,
  type GroupReading,
  type GroupTarget,
  PerfEventGroup,
  PerfOpenError,
  type PerfSyscalls,
  scaleGroupRead,
} from "./group.ts";
export { PerfSource, type PerfSourceOptions } from "./source.ts";
export { CgroupDirError, type CounterSyscalls, TaskCounters, type TaskReading } from "./task_counters.ts";
