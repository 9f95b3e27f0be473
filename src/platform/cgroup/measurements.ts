/**
 * One task's cgroup measurements in one pass, whatever the layout: CPU from cpuacct (v1) or cpu.stat
 * (v2), memory from the v1 memory hierarchy or cgroup2, pressure from cgroup2 when it is mounted.
 *
 * A cgroup that vanishes mid-read yields {kind: "gone"}; a file the kernel does not provide leaves its
 * field undefined. Malformed file contents throw PlatformParseError (a kernel format change, not a race).
 */
import type { SkipReporter } from "../flat_keyed.ts";
import type { OpenFiles } from "../open_files.ts";
import { CgroupGoneSignal, dirReader, openFilesDirReader } from "./dir_reader.ts";
import { type CgroupLayout, type CgroupMount, controllerMount } from "./mounts.ts";
import { type CpuMeasurements, type MemoryMeasurements, readV1Cpu, readV1Memory } from "./v1.ts";
import { type PressureMeasurements, readPressure, readV2Cpu, readV2Memory } from "./v2.ts";

export interface CgroupMeasurements extends CpuMeasurements, MemoryMeasurements, PressureMeasurements {}

export type CgroupReadResult =
  | { readonly kind: "ok"; readonly measurements: CgroupMeasurements }
  | { readonly kind: "gone"; readonly path: string; readonly errno: string };

export interface CgroupReadOptions {
  /** Bytes per page, for v2 memory.numa_stat (procfs readPageSize). Default 4096. */
  readonly pageSize?: number;
  /** Told about unreadable lines skipped in key-value files (memory.stat, cpu.stat). */
  readonly onSkip?: SkipReporter;
  /**
   * The task's kept-open files (src/platform/open_files.ts): read with one pread each instead of an
   * open, read and close. The caller closes them when the task goes.
   */
  readonly files?: OpenFiles;
  /**
   * Whether to list the thread ids (v1 tasks, v2 cgroup.threads) as `pids`; default true. The runner
   * turns it off: no metric uses them, and a v1 pid list needs a fresh open every read.
   */
  readonly pids?: boolean;
}

const DEFAULT_PAGE_SIZE = 4096;

/** Reads the measurements of the cgroup at `cgroupPath` ("/task1", "/kubepods/pod…/…"). */
export function readCgroupMeasurements(
  layout: CgroupLayout,
  cgroupPath: string,
  options: CgroupReadOptions = {},
): CgroupReadResult {
  assertCgroupPath(cgroupPath);
  const cpuMount = layout.v1.get("cpuacct") ?? layout.unified;
  const memoryMount = controllerMount(layout, "memory");
  const at = (mount: CgroupMount) => mount.mountPoint + (cgroupPath === "/" ? "" : cgroupPath);
  const files = options.files;
  const reader = (mount: CgroupMount, primary: boolean) =>
    files === undefined
      ? dirReader(at(mount), primary, options.onSkip)
      : openFilesDirReader(files, at(mount), primary, options.onSkip);
  try {
    const cpu: CpuMeasurements = cpuMount === undefined
      ? {}
      : cpuMount.version === 1
      ? readV1Cpu(reader(cpuMount, true), options)
      : readV2Cpu(reader(cpuMount, true), options);
    const memory: MemoryMeasurements = memoryMount === undefined
      ? {}
      : memoryMount.version === 1
      ? readV1Memory(reader(memoryMount, true))
      : readV2Memory(reader(memoryMount, true), options.pageSize ?? DEFAULT_PAGE_SIZE);
    // On a hybrid host the task may exist only in the v1 hierarchies: its cgroup2 side is optional.
    const pressure: PressureMeasurements = layout.unified === undefined
      ? {}
      : readPressure(reader(layout.unified, layout.mode === "v2"));
    return { kind: "ok", measurements: withoutUndefined({ ...cpu, ...memory, ...pressure }) };
  } catch (error) {
    if (error instanceof CgroupGoneSignal) return { kind: "gone", path: error.path, errno: error.errno };
    throw error;
  }
}

/** A "." or ".." segment of an absolute path. */
const DOT_SEGMENT = /\/\.\.?(?:\/|$)/;

/** Task cgroup paths are absolute within a hierarchy and must not climb out of it. */
function assertCgroupPath(cgroupPath: string): void {
  if (!cgroupPath.startsWith("/") || DOT_SEGMENT.test(cgroupPath)) {
    throw new TypeError(
      `cgroup path must be absolute without . or .. segments: ${JSON.stringify(cgroupPath)}`,
    );
  }
}

/** Absent data is a missing key, so `"memoryLimitBytes" in m` and spreading behave as expected. */
function withoutUndefined(m: CgroupMeasurements): CgroupMeasurements {
  const out: Record<string, unknown> = {};
  for (const key in m) {
    const value = m[key as keyof CgroupMeasurements];
    if (value !== undefined) out[key] = value;
  }
  return Object.freeze(out) as CgroupMeasurements;
}
