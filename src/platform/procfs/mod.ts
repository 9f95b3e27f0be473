/** procfs readers: readX(paths) reads one file, parseX(text) is pure. */
export { parseAuxvPageSize, readPageSize } from "./auxv.ts";
export { type ControllerBinding, parseProcCgroups, readProcCgroups } from "./cgroups.ts";
export { type Cpuinfo, type CpuinfoProcessor, parseCpuinfo, readCpuinfo } from "./cpuinfo.ts";
export { type Meminfo, parseMeminfo, readMeminfo } from "./meminfo.ts";
export { parseProcStat, readProcStat } from "./stat.ts";
export { isVmstatEventCount, parseVmstat, readVmstat, type Vmstat } from "./vmstat.ts";
export {
  DEFAULT_ZONEINFO_PATTERN,
  parseZoneinfo,
  PER_NODE_STATS,
  readZoneinfo,
  type Zoneinfo,
  zoneinfoPattern,
  type ZoneinfoValue,
} from "./zoneinfo.ts";
export {
  CAP_PERFMON,
  CAP_SYS_ADMIN,
  hasCapability,
  parseEffectiveCapabilities,
  parseMaxOpenFiles,
  parsePerfEventParanoid,
  type PerfAccess,
  readMaxOpenFiles,
  readPerfAccess,
} from "./perf_access.ts";
export { clearRefs, parseSmapsRollup, readSmapsRollup, type SmapsRollup } from "./smaps_rollup.ts";
export { type NumaFaults, parseProcSched, type ProcSched, readProcSched } from "./proc_sched.ts";
