/**
 * One perf event group on one CPU: a leader opened disabled, the other events in its group, RESET then
 * ENABLE, and group reads scaled for multiplexing. Used for task cgroups (PID_CGROUP with a cgroup
 * directory fd) and for uncore PMUs (pid -1 on a socket's CPU).
 */
import {
  decodeGroupRead,
  encodePerfEventAttr,
  groupReadSize,
  PERF_EVENT_IOC,
  PERF_FLAG,
  PERF_FORMAT,
  PERF_IOC_FLAG_GROUP,
  type PerfEventAttr,
} from "../../ffi/mod.ts";

/** The libc calls a group needs; ffi's Libc is the implementation. */
export interface PerfSyscalls {
  perfEventOpen(
    attr: Uint8Array<ArrayBuffer>,
    pid: number,
    cpu: number,
    groupFd: number,
    flags: number,
  ): number;
  ioctl(fd: number, request: number, argument?: number): void;
  read(fd: number, buffer: Uint8Array<ArrayBuffer>): number;
  close(fd: number): void;
}

export interface GroupEvent {
  /** The metric name the event's count is reported as. */
  readonly name: string;
  /** type, config, config1, config2; read_format and the leader's disabled flag are set here. */
  readonly attr: PerfEventAttr;
}

export interface GroupTarget {
  /** -1 for every process (uncore, cgroup); with cgroupFd the kernel takes the cgroup fd as pid. */
  readonly pid: number;
  readonly cpu: number;
  /** An O_DIRECTORY fd of the cgroup to count (v1 perf_event hierarchy or the cgroup2 directory). */
  readonly cgroupFd?: number;
}

/**
 * What a group's times say about its counts:
 * - "counted": it was on its counters for some of the time it was enabled; counts are scaled by
 *   time_enabled / time_running (1 when it never had to share the counters) and rounded to whole events;
 * - "idle": it was never enabled (in cgroup mode: the cgroup has not run on this CPU since the group was
 *   opened), so nothing was measured;
 * - "starved": it was enabled but never got a counter (multiplexing), so its counts are unknown.
 */
export type GroupState = "counted" | "idle" | "starved";

export interface GroupReading {
  /** Counts by event name, scaled by time_enabled / time_running; empty unless the group was counted. */
  readonly values: ReadonlyMap<string, number>;
  readonly state: GroupState;
  /** time_enabled / time_running (>= 1) when counted; undefined otherwise, never Infinity. */
  readonly scalingFactor: number | undefined;
  readonly timeEnabled: number;
  readonly timeRunning: number;
}

/** perf_event_open failed for one event of a group; `cause` is ffi's ErrnoError. */
export class PerfOpenError extends Error {
  override readonly name = "PerfOpenError";
  constructor(readonly event: string, readonly cpu: number, cause: unknown) {
    super(`cannot open perf event ${event} on CPU ${cpu}: ${(cause as Error).message}`, { cause });
  }
  /** The errno name ("ENOENT", "EMFILE"…), or undefined when the failure was not a system call's. */
  get code(): string | undefined {
    return (this.cause as { code?: string } | undefined)?.code;
  }
}

const READ_FORMAT = PERF_FORMAT.GROUP | PERF_FORMAT.ID | PERF_FORMAT.TOTAL_TIME_ENABLED |
  PERF_FORMAT.TOTAL_TIME_RUNNING;

export class PerfEventGroup {
  readonly #sys: PerfSyscalls;
  readonly #names: readonly string[];
  readonly #fds: number[];
  readonly #buffer: Uint8Array<ArrayBuffer>;
  #closed = false;

  private constructor(sys: PerfSyscalls, names: readonly string[], fds: number[]) {
    this.#sys = sys;
    this.#names = names;
    this.#fds = fds;
    this.#buffer = new Uint8Array(groupReadSize(names.length));
  }

  /**
   * Opens the group and starts counting. On failure closes whatever it opened and throws a
   * PerfOpenError naming the event that failed, carrying the kernel's ErrnoError as `cause`.
   */
  static open(sys: PerfSyscalls, events: readonly GroupEvent[], target: GroupTarget): PerfEventGroup {
    if (events.length === 0) throw new RangeError("a perf event group needs at least one event");
    const flags = PERF_FLAG.FD_CLOEXEC | (target.cgroupFd === undefined ? 0 : PERF_FLAG.PID_CGROUP);
    const pid = target.cgroupFd ?? target.pid;
    const fds: number[] = [];
    try {
      for (const [i, event] of events.entries()) {
        const attr = encodePerfEventAttr({
          ...event.attr,
          readFormat: READ_FORMAT,
          flags: i === 0 ? [...(event.attr.flags ?? []), "disabled"] : event.attr.flags,
        });
        try {
          fds.push(sys.perfEventOpen(attr, pid, target.cpu, i === 0 ? -1 : fds[0]!, flags));
        } catch (error) {
          throw new PerfOpenError(event.name, target.cpu, error);
        }
      }
      sys.ioctl(fds[0]!, PERF_EVENT_IOC.RESET, PERF_IOC_FLAG_GROUP);
      sys.ioctl(fds[0]!, PERF_EVENT_IOC.ENABLE, PERF_IOC_FLAG_GROUP);
    } catch (error) {
      closeAll(sys, fds);
      throw error;
    }
    return new PerfEventGroup(sys, events.map((e) => e.name), fds);
  }

  /** How many fds the group holds (one per event). */
  get fdCount(): number {
    return this.#closed ? 0 : this.#fds.length;
  }

  read(): GroupReading {
    if (this.#closed) throw new Error("read of a closed perf event group");
    const n = this.#sys.read(this.#fds[0]!, this.#buffer);
    const raw = decodeGroupRead(this.#buffer, n);
    return scaleGroupRead(this.#names, raw.timeEnabled, raw.timeRunning, raw.values.map((v) => v.value));
  }

  /** Closes every fd; safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeAll(this.#sys, this.#fds.splice(0).reverse());
  }
}

/** Pure: names the counts and scales them by time_enabled / time_running; no values unless counted. */
export function scaleGroupRead(
  names: readonly string[],
  timeEnabled: number,
  timeRunning: number,
  counts: readonly number[],
): GroupReading {
  const values = new Map<string, number>();
  if (timeEnabled <= 0 || timeRunning <= 0) {
    const state = timeEnabled <= 0 ? "idle" : "starved";
    return { values, state, scalingFactor: undefined, timeEnabled, timeRunning };
  }
  // time_running can pass time_enabled by a rounding hair; a factor below 1 would shrink real counts.
  const scalingFactor = Math.max(1, timeEnabled / timeRunning);
  // A scaled count is an estimate of whole events: rounded, as WCA printed it (not 36900158681.687…).
  names.forEach((name, i) =>
    values.set(name, (values.get(name) ?? 0) + Math.round((counts[i] ?? 0) * scalingFactor))
  );
  return { values, state: "counted", scalingFactor, timeEnabled, timeRunning };
}

function closeAll(sys: PerfSyscalls, fds: readonly number[]): void {
  for (const fd of fds) {
    try {
      sys.close(fd);
    } catch {
      // Closing can only fail for a bad fd, which is then not ours to worry about.
    }
  }
}
