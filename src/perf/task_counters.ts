/**
 * The perf counters of one task: for each of its cgroups (the task's own, or each container of a pod)
 * one event group per online CPU, counting in cgroup mode. Reads sum or split them by CPU.
 */
import type { PerfEvent } from "./events.ts";
import { PerfEventGroup, type PerfSyscalls } from "./group.ts";

export interface CounterSyscalls extends PerfSyscalls {
  open(path: string, options: { directory: boolean }): number;
}

/**
 * One reading of a task's counters. A sum includes a group only when it was counted; a group that was
 * never enabled (its cgroup did not run on that CPU) adds nothing and loses nothing. A sum with a group
 * that was enabled but never got a counter is unknown, and so is one with no counted group at all:
 * those are left out rather than reported as a made-up number.
 */
export interface TaskReading {
  /** Scaled counts in metric units, summed over CPUs and cgroups; undefined when unknown (above). */
  readonly totals: ReadonlyMap<string, number> | undefined;
  /** The same per CPU (summed over cgroups), for the CPUs whose sum is known. */
  readonly perCpu: ReadonlyMap<number, ReadonlyMap<string, number>>;
  /** Mean and largest time_enabled / time_running over the counted groups; undefined when none was. */
  readonly scalingAvg: number | undefined;
  readonly scalingMax: number | undefined;
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
    const byCpu = new Map<number, { values: Map<string, number>; counted: boolean; starved: boolean }>();
    let factorSum = 0;
    let factorCount = 0;
    let factorMax = 0;
    for (const { cpu, group } of this.#groups) {
      const reading = group.read();
      let sum = byCpu.get(cpu);
      if (!sum) byCpu.set(cpu, sum = { values: new Map(), counted: false, starved: false });
      if (reading.state === "starved") sum.starved = true;
      if (reading.state !== "counted") continue;
      sum.counted = true;
      factorSum += reading.scalingFactor!;
      factorCount++;
      factorMax = Math.max(factorMax, reading.scalingFactor!);
      for (const event of this.#events) {
        const value = (reading.values.get(event.name) ?? 0) * event.scale;
        sum.values.set(event.name, (sum.values.get(event.name) ?? 0) + value);
      }
    }
    const perCpu = new Map<number, ReadonlyMap<string, number>>();
    const totals = new Map<string, number>();
    let known = factorCount > 0;
    for (const [cpu, sum] of byCpu) {
      if (sum.starved) known = false;
      if (!sum.counted || sum.starved) continue;
      perCpu.set(cpu, sum.values);
      for (const [name, value] of sum.values) totals.set(name, (totals.get(name) ?? 0) + value);
    }
    return {
      totals: known ? totals : undefined,
      perCpu,
      scalingAvg: factorCount ? factorSum / factorCount : undefined,
      scalingMax: factorCount ? factorMax : undefined,
    };
  }

  close(): void {
    for (const { group } of this.#groups) group.close();
  }
}
