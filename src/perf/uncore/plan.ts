/**
 * Which perf groups the uncore events need: one group per PMU instance per CPU of its cpumask (a group
 * cannot span PMUs), opened with pid -1 on that CPU. The cpumask names one CPU per socket, or one per
 * die on multi-die packages, whose counts the source then adds up per socket. Pure.
 */
import type { PerfEventAttr } from "../../../ffi/mod.ts";
import type { UncorePmu } from "./discovery.ts";
import { type UncoreEvent, uncoreEventAttr } from "./events.ts";

export interface PlannedEvent {
  readonly event: UncoreEvent;
  readonly attr: PerfEventAttr;
}

export interface GroupPlan {
  readonly pmu: UncorePmu;
  readonly cpu: number;
  readonly socket: number;
  readonly events: readonly PlannedEvent[];
}

/** The host cannot measure what the configuration asks for; the message says why and what was read. */
export class UncorePlanError extends Error {
  override readonly name = "UncorePlanError";
}

/**
 * Groups for `events` on `pmus`. `cpuSockets` maps each online CPU to its socket (physical package);
 * `devicesDir` is the sysfs directory discovery looked in, for messages.
 */
export function planUncoreGroups(
  events: readonly UncoreEvent[],
  pmus: readonly UncorePmu[],
  cpuSockets: ReadonlyMap<number, number>,
  devicesDir: string,
): GroupPlan[] {
  const families = [...new Set(events.map((e) => e.family))];
  const missing = families.filter((family) => !pmus.some((pmu) => pmu.family === family));
  if (missing.length > 0) {
    throw new UncorePlanError(
      missing.map((family) => {
        const names = events.filter((e) => e.family === family).map((e) => e.name).join(", ");
        return `uncore events ${names} need uncore_${family} PMUs, but ${devicesDir} has no uncore_${family}_* ` +
          `directory: this hardware or virtual machine exposes no such PMU`;
      }).join("; ") + " (remove these events from uncore_event_names, or set enable_perf_uncore: false)",
    );
  }
  const plans: GroupPlan[] = [];
  for (const pmu of pmus) {
    const mine = events.filter((e) => e.family === pmu.family);
    if (mine.length === 0) continue;
    const planned = mine.map((event) => Object.freeze({ event, attr: uncoreEventAttr(event, pmu) }));
    for (const cpu of pmu.cpus) {
      const socket = cpuSockets.get(cpu);
      if (socket === undefined) {
        throw new UncorePlanError(`${pmu.path}/cpumask names CPU ${cpu}, which is not an online CPU`);
      }
      plans.push(Object.freeze({ pmu, cpu, socket, events: Object.freeze(planned) }));
    }
  }
  return plans;
}
