/**
 * cgroup v2 task measurements (Documentation/admin-guide/cgroup-v2.rst, accounting/psi.rst).
 */
import type { DirReader } from "./dir_reader.ts";
import { parseIdList, parseLimit, parseSingleInteger, pickFlatKeyed } from "./formats.ts";
import { parseNumaStatV2 } from "./numa_stat.ts";
import { parsePressure, type Pressure } from "./psi.ts";
import type { CpuMeasurements, MemoryMeasurements } from "./v1.ts";

export interface PressureMeasurements {
  readonly cpuPressure?: Pressure;
  readonly memoryPressure?: Pressure;
  readonly ioPressure?: Pressure;
}

/**
 * cpu.stat usage_usec (present even without the cpu controller enabled) and cgroup.threads, which like
 * v1's tasks lists every thread; cgroup.procs would list processes only.
 */
export function readV2Cpu(dir: DirReader, { pids = true }: { pids?: boolean } = {}): CpuMeasurements {
  const stat = dir.read("cpu.stat");
  const threads = pids ? dir.read("cgroup.threads") : undefined;
  const usageUs = stat === undefined
    ? undefined
    : pickFlatKeyed(stat, `${dir.dir}/cpu.stat`, ["usage_usec"], dir.onSkip)[0];
  return {
    cpuUsageSeconds: usageUs === undefined ? undefined : usageUs / 1e6,
    pids: threads === undefined ? undefined : parseIdList(threads, `${dir.dir}/cgroup.threads`),
  };
}

/**
 * memory.current, memory.peak (Linux 5.19+), memory.max, memory.low as the soft limit, memory.numa_stat
 * and memory.stat pgfault. All are absent when the memory controller is not enabled for the cgroup.
 */
export function readV2Memory(dir: DirReader, pageSize: number): MemoryMeasurements {
  const read = <T>(name: string, parse: (text: string, source: string) => T): T | undefined => {
    const text = dir.read(name);
    return text === undefined ? undefined : parse(text, `${dir.dir}/${name}`);
  };
  return {
    memoryUsageBytes: read("memory.current", parseSingleInteger),
    memoryMaxUsageBytes: read("memory.peak", parseSingleInteger),
    memoryLimitBytes: read("memory.max", parseLimit),
    memorySoftLimitBytes: read("memory.low", parseLimit),
    numaPages: read("memory.numa_stat", (text, source) => parseNumaStatV2(text, pageSize, source)),
    pageFaults: read(
      "memory.stat",
      (text, source) => pickFlatKeyed(text, source, ["pgfault"], dir.onSkip)[0],
    ),
  };
}

/** cpu.pressure, memory.pressure, io.pressure: absent on kernels without PSI (or booted psi=0). */
export function readPressure(dir: DirReader): PressureMeasurements {
  return {
    cpuPressure: readOne(dir, "cpu.pressure"),
    memoryPressure: readOne(dir, "memory.pressure"),
    ioPressure: readOne(dir, "io.pressure"),
  };
}

function readOne(dir: DirReader, name: string): Pressure | undefined {
  const text = dir.read(name);
  return text === undefined ? undefined : parsePressure(text, `${dir.dir}/${name}`);
}
