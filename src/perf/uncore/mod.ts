/** Uncore PMUs: discovery in sysfs, the events of uncore_event_names, derived bandwidth, the source. */
export {
  type ConfigWord,
  discoverUncorePmus,
  type FormatField,
  listUncorePmus,
  parseCpumask,
  parseFormat,
  parsePmuType,
  type PmuFormat,
  readUncorePmu,
  uncoreFamily,
  type UncorePmu,
} from "./discovery.ts";
export {
  DEFAULT_FORMAT,
  parseUncoreEvent,
  parseUncoreEvents,
  placeField,
  PREDEFINED_UNCORE_EVENTS,
  type UncoreEvent,
  uncoreEventAttr,
  UncoreEventError,
} from "./events.ts";
export {
  CACHE_LINE_BYTES,
  DERIVED_UNCORE_METRICS,
  type DerivedValue,
  deriveUncoreMetrics,
  type UncoreCounts,
  type UncoreSnapshot,
  UPI_BYTES_PER_FLIT,
} from "./derived.ts";
export { type GroupPlan, type PlannedEvent, planUncoreGroups, UncorePlanError } from "./plan.ts";
export { type UncoreLog, UncoreSource, type UncoreSourceOptions } from "./source.ts";
export { createUncoreSource, type UncoreEnvironment, uncoreSourceFactory, wantsUncore } from "./factory.ts";
