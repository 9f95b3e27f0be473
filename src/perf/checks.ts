/**
 * Start-up checks for perf counters, each a sentence an operator can act on. Pure: the facts are read
 * elsewhere.
 */
import { CAP_PERFMON, CAP_SYS_ADMIN, hasCapability, type PerfAccess } from "../platform/procfs/mod.ts";
import type { PerfEvent } from "./events.ts";
import type { PerfOpenError } from "./group.ts";

/**
 * General-purpose counters per logical CPU on Intel cores since Nehalem: 8 per core, shared by its
 * hyper-threads (4 each with SMT on). Fixed counters (instructions, cycles) and software events are
 * not taken from them.
 */
export function programmableCounters(threadsPerCore: number): number {
  return threadsPerCore > 1 ? 4 : 8;
}

/**
 * All events of a task's group are scheduled together, so a group needing more general-purpose
 * counters than a CPU has would never count. Returns the refusal, or undefined.
 */
export function counterLimitProblem(
  events: readonly PerfEvent[],
  cpus: number,
  cores: number,
): string | undefined {
  const programmable = events.filter((e) => e.kind === "programmable");
  const threadsPerCore = cores > 0 ? Math.max(1, Math.round(cpus / cores)) : 1;
  const limit = programmableCounters(threadsPerCore);
  if (programmable.length <= limit) return undefined;
  return `event_names asks for ${programmable.length} events that need general-purpose counters ` +
    `(${programmable.map((e) => e.name).join(", ")}), but a CPU of this host has ${limit} ` +
    `(${threadsPerCore > 1 ? "hyper-threading on: 4 per thread" : "no hyper-threading: 8"}); ` +
    `task_instructions and task_cycles use fixed counters and software events none. Remove ` +
    `${programmable.length - limit} of them`;
}

/**
 * Counting per cgroup opens per-CPU events, which the kernel allows to root, to holders of CAP_PERFMON
 * (Linux 5.8+) or CAP_SYS_ADMIN, and to everyone when kernel.perf_event_paranoid is 0 or less.
 */
export function permissionProblem(access: PerfAccess, uid: number): string | undefined {
  if (uid === 0 || access.paranoid <= 0) return undefined;
  if (hasCapability(access.capabilities, CAP_PERFMON) || hasCapability(access.capabilities, CAP_SYS_ADMIN)) {
    return undefined;
  }
  return `perf counters per cgroup need CAP_PERFMON (Linux 5.8+) or CAP_SYS_ADMIN, or ` +
    `kernel.perf_event_paranoid at 0 or below; it is ${access.paranoid} and this process (uid ${uid}) has ` +
    `neither capability. Grant one (systemd: AmbientCapabilities=CAP_PERFMON) or run ` +
    `sysctl kernel.perf_event_paranoid=0, or leave event_names empty`;
}

/** What to tell the operator when the fd limit runs out. */
export function fdLimitAdvice(maxOpenFiles: number): string {
  return `the process ran out of file descriptors (limit ${maxOpenFiles}); perf needs one per event per CPU ` +
    `per task cgroup: raise LimitNOFILE= in the systemd unit (or ulimit -n) or count fewer events`;
}

/**
 * perf_event_open failures that no choice of events can fix, as the sentence to stop with: the fd limit
 * (`fdAdvice` says what to raise) and privileges (`counting` says what needs them). Undefined otherwise.
 */
export function openRefusal(error: PerfOpenError, fdAdvice: string, counting: string): string | undefined {
  if (error.code === "EMFILE" || error.code === "ENFILE") return `${error.message}: ${fdAdvice}`;
  if (error.code === "EACCES" || error.code === "EPERM") {
    return `${error.message}: ${counting} needs root, CAP_PERFMON (Linux 5.8+) or CAP_SYS_ADMIN, or the ` +
      "sysctl kernel.perf_event_paranoid at 0 or lower";
  }
  return undefined;
}
