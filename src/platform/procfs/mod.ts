/** procfs readers: readX(paths) reads one file, parseX(text) is pure. */
export { parseAuxvPageSize, readPageSize } from "./auxv.ts";
export { type Cpuinfo, type CpuinfoProcessor, parseCpuinfo, readCpuinfo } from "./cpuinfo.ts";
export { type Meminfo, parseMeminfo, readMeminfo } from "./meminfo.ts";
export { parseProcStat, readProcStat } from "./stat.ts";
export { parseVmstat, readVmstat, type Vmstat } from "./vmstat.ts";
export { parseZoneinfo, readZoneinfo, type Zoneinfo, type ZoneStats } from "./zoneinfo.ts";
