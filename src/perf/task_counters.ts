/**
 * The perf counters of one task: for each of its cgroups (the task's own, or each container of a pod)
 * one event group per online CPU, counting in cgroup mode. Reads sum or split them by CPU.
 */
import type { PerfEvent } from "./events.ts";
import { PerfEventGroup, type PerfSyscalls } from "./group.ts";

export interface CounterSyscalls extends PerfSyscalls {
  open(path: string, options: { directory: boolean }): number;
}

export interface TaskReading {
  /** Scaled counts in metric units, summed over CPUs and cgroups. */
  readonly totals: ReadonlyMap<string, number>;
  /** The same, per CPU (summed over cgroups). */
  readonly perCpu: ReadonlyMap<number, ReadonlyMap<string, number>>;
  /** Mean and largest time_enabled / time_running over the groups that ran; 1 when none did. */
  readonly scalingAvg: number;
  readonly scalingMax: number;
}

/** A cgroup directory could not be opened: the task's cgroup is gone or not in the perf hierarchy. */
export class CgroupDirError extends Error {
  override readonly name = "CgroupDirError";
  constructor(readonly dir: string, cause: unknown) {
    super(`cannot open cgroup directory ${dir}: ${(cause as Error).message}`, { cause });
  }
  get code(): string | undefined {
    return (this.cause as { code?: string } | undefined)?.code;
  }
}

export class TaskCounters {
  readonly #events: readonly PerfEvent[];
  readonly #groups: ReadonlyArray<{ cpu: number; group: PerfEventGroup }>;
  /** The cgroup directories counted, in order: the key that tells whether a task's cgroups changed. */
  readonly dirs: readonly string[];

  private constructor(
    events: readonly PerfEvent[],
    dirs: readonly string[],
    groups: { cpu: number; group: PerfEventGroup }[],
  ) {
    this.#events = events;
    this.dirs = dirs;
    this.#groups = groups;
  }

  /**
   * Opens a group per CPU per cgroup directory. The directory fd is closed once the events hold the
   * cgroup (the kernel keeps its own reference), so a task costs one fd per event per CPU. On any
   * failure everything opened so far is closed and the error (CgroupDirError or PerfOpenError) thrown.
   */
  static open(
    sys: CounterSyscalls,
    events: readonly PerfEvent[],
    dirs: readonly string[],
    cpus: readonly number[],
  ): TaskCounters {
    const groups: { cpu: number; group: PerfEventGroup }[] = [];
    try {
      for (const dir of dirs) {
        let dirFd: number;
        try {
          dirFd = sys.open(dir, { directory: true });
        } catch (error) {
          throw new CgroupDirError(dir, error);
        }
        try {
          for (const cpu of cpus) {
            groups.push({ cpu, group: PerfEventGroup.open(sys, events, { pid: -1, cpu, cgroupFd: dirFd }) });
          }
        } finally {
          sys.close(dirFd);
        }
      }
    } catch (error) {
      for (const { group } of groups) group.close();
      throw error;
    }
    return new TaskCounters(events, Object.freeze([...dirs]), groups);
  }

  get fdCount(): number {
    return this.#groups.reduce((sum, { group }) => sum + group.fdCount, 0);
  }

  read(): TaskReading {
    const totals = new Map<string, number>();
    const perCpu = new Map<number, Map<string, number>>();
    let factorSum = 0;
    let factorCount = 0;
    let factorMax = 1;
    for (const { cpu, group } of this.#groups) {
      const reading = group.read();
      if (Number.isFinite(reading.scalingFactor)) {
        factorSum += reading.scalingFactor;
        factorCount++;
        factorMax = Math.max(factorMax, reading.scalingFactor);
      }
      let cpuValues = perCpu.get(cpu);
      if (!cpuValues) perCpu.set(cpu, cpuValues = new Map());
      for (const event of this.#events) {
        const value = (reading.values.get(event.name) ?? 0) * event.scale;
        totals.set(event.name, (totals.get(event.name) ?? 0) + value);
        cpuValues.set(event.name, (cpuValues.get(event.name) ?? 0) + value);
      }
    }
    return { totals, perCpu, scalingAvg: factorCount ? factorSum / factorCount : 1, scalingMax: factorMax };
  }

  close(): void {
    for (const { group } of this.#groups) group.close();
  }
}
