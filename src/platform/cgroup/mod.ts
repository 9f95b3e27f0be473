/** cgroup v1/v2: mount discovery and per-task measurement readers. */
export { parseIdList, parseLimit, parseSingleInteger } from "./formats.ts";
export {
  type CgroupMeasurements,
  type CgroupReadOptions,
  type CgroupReadResult,
  readCgroupMeasurements,
} from "./measurements.ts";
export {
  type CgroupLayout,
  type CgroupMode,
  type CgroupMount,
  controllerMount,
  discoverCgroupMounts,
  type MountinfoEntry,
  parseMountinfo,
  readCgroupLayout,
  unescapeMountinfo,
} from "./mounts.ts";
export { parseNumaStatV1, parseNumaStatV2 } from "./numa_stat.ts";
export { parsePressure, type Pressure, type PressureLine } from "./psi.ts";
export { readProcessIds, readThreadIds } from "./threads.ts";
export type { CpuMeasurements, MemoryMeasurements } from "./v1.ts";
export type { PressureMeasurements } from "./v2.ts";
export { type PerfEventPlacement, placePerfEvent } from "./perf_event.ts";
