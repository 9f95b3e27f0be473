/**
 * UncoreSource: the uncore PMU counters of `uncore_event_names` as platform metrics. Uncore PMUs count
 * for a whole socket, not for a task or cgroup: each PMU instance gets one perf group per CPU of its
 * cpumask, opened with pid -1 and no cgroup, and read once per iteration. Raw counts are reported per
 * socket and PMU (`pmu_type`) with the multiplexing scaling of each PMU's group
 * (platform_scaling_uncore_factor); with enable_derived_metrics, bandwidths per socket and PMU and the
 * read latency per socket too.
 */
import { DerivedLabels } from "../../metrics/derived_labels.ts";
import type { Labels, Metric } from "../../metrics/metric.ts";
import { getLogger, type Logger } from "../../logging/mod.ts";
import { type MeasurementSource, StartupError } from "../../sources/contract.ts";
import { openRefusal } from "../checks.ts";
import { PerfEventGroup, PerfOpenError, type PerfSyscalls } from "../group.ts";
import { deriveUncoreMetrics, type UncoreSnapshot } from "./derived.ts";
import type { UncoreEvent } from "./events.ts";
import type { GroupPlan } from "./plan.ts";

export type UncoreLog = Pick<Logger, "warning" | "info">;

export interface UncoreSourceOptions {
  readonly sys: PerfSyscalls;
  /** Also report the derived bandwidth and latency metrics (enable_derived_metrics). */
  readonly derived: boolean;
  /** Monotonic seconds; the derived rates divide by the time between two readings. */
  readonly now?: () => number;
  readonly log?: UncoreLog;
  /** Called once by close(), after the groups are closed (the factory unloads libc here). */
  readonly onClose?: () => void;
}

interface OpenGroup {
  readonly plan: GroupPlan;
  readonly group: PerfEventGroup;
  readonly events: readonly UncoreEvent[];
}

/** Errors that mean "the PMU does not take this event": reported once, the event skipped. */
const REJECTED: Readonly<Record<string, string>> = Object.freeze({
  ENOENT: "the PMU does not know this event or PMU type",
  EOPNOTSUPP: "the PMU does not support this kind of event",
  EINVAL: "the encoding is invalid for this PMU, or the group has more events than the PMU has counters " +
    "(usually 4 per PMU instance)",
  ENODEV: "the CPU or the PMU is not available",
});

export class UncoreSource implements MeasurementSource {
  readonly name = "uncore";
  readonly #groups: OpenGroup[];
  readonly #derived: boolean;
  readonly #now: () => number;
  readonly #log: UncoreLog;
  readonly #warned = new Set<string>();
  /** Per-socket (and PMU) label objects kept between iterations, so encoders make their text once. */
  readonly #labels = new DerivedLabels();
  #onClose: (() => void) | undefined;
  #previous: UncoreSnapshot | undefined;

  private constructor(groups: OpenGroup[], options: UncoreSourceOptions, log: UncoreLog) {
    this.#groups = groups;
    this.#derived = options.derived;
    this.#now = options.now ?? (() => performance.now() / 1000);
    this.#log = log;
    this.#onClose = options.onClose;
  }

  /**
   * Opens every planned group. Events the kernel rejects are left out and reported once each; a
   * refusal that no configuration of events can fix (fd limit, privileges) or nothing opened at all
   * is a StartupError. Whatever was opened is closed again when it throws.
   */
  static open(plans: readonly GroupPlan[], options: UncoreSourceOptions): UncoreSource {
    const log = options.log ?? getLogger("wca.perf.uncore");
    const rejected = new Map<string, Rejection>();
    const groups: OpenGroup[] = [];
    try {
      for (const plan of plans) {
        const opened = openSkippingRejected(options.sys, plan, plans, rejected);
        if (opened) groups.push(opened);
      }
      for (const r of rejected.values()) {
        const where = r.where.join(", ");
        log.warning(
          `uncore event ${r.event} is skipped: the kernel rejected it on ${where} with ${r.reason}: ${
            REJECTED[r.code]
          }`,
        );
      }
      if (groups.length === 0) {
        throw new StartupError(
          "none of the uncore events could be opened (see the warnings above); remove them from " +
            "uncore_event_names or set enable_perf_uncore: false",
        );
      }
    } catch (error) {
      for (const { group } of groups) group.close();
      throw error;
    }
    const events = new Set(groups.flatMap((g) => g.events.map((e) => e.name)));
    log.info(
      `uncore: counting ${events.size} events in ${groups.length} groups on ` +
        `${new Set(groups.map((g) => g.plan.pmu.name)).size} PMUs`,
    );
    return new UncoreSource(groups, options, log);
  }

  /** Perf fds held now (one per event per group); 0 after close. */
  get fdCount(): number {
    return this.#groups.reduce((n, g) => n + g.group.fdCount, 0);
  }

  sync(): void {
    // Uncore counters belong to the sockets, not to tasks: nothing to start or stop per task.
  }

  taskMetrics(): Metric[] {
    return [];
  }

  platformMetrics(labels: Labels): Metric[] {
    const raw = new Map<string, { event: UncoreEvent; socket: number; pmuType: number; value: number }>();
    const counts = new Map<string, Map<number, Map<number, number>>>();
    /** Highest scaling per socket and PMU: a PMU counted on several CPUs of one socket is one series. */
    const scaling = new Map<string, { socket: number; pmuType: number; factor: number }>();
    for (const { plan, group, events } of this.#groups) {
      let values: ReadonlyMap<string, number>;
      try {
        const reading = group.read();
        if (reading.state !== "counted") {
          this.#warnOnce(
            `${plan.pmu.name}/${plan.cpu}`,
            reading.state === "starved"
              ? `${plan.pmu.name} on CPU ${plan.cpu} never got its counters (multiplexing); no value this time`
              : `${plan.pmu.name} on CPU ${plan.cpu} was never enabled; no value this time`,
          );
          continue;
        }
        values = reading.values;
        const scaleKey = `${plan.socket}\0${plan.pmu.type}`;
        const before = scaling.get(scaleKey)?.factor ?? 0;
        scaling.set(scaleKey, {
          socket: plan.socket,
          pmuType: plan.pmu.type,
          factor: Math.max(before, reading.scalingFactor ?? 1), // defined: the group counted
        });
      } catch (error) {
        this.#warnOnce(
          `${plan.pmu.name}/${plan.cpu}`,
          `${plan.pmu.name} on CPU ${plan.cpu}: ${(error as Error).message}`,
        );
        continue;
      }
      for (const event of events) {
        const value = values.get(event.name) ?? 0;
        const key = `${event.name}\0${plan.socket}\0${plan.pmu.type}`;
        const entry = raw.get(key) ?? { event, socket: plan.socket, pmuType: plan.pmu.type, value: 0 };
        entry.value += value;
        raw.set(key, entry);
        const bySocket = counts.get(event.name) ?? new Map<number, Map<number, number>>();
        const byPmu = bySocket.get(plan.socket) ?? new Map<number, number>();
        byPmu.set(plan.pmu.type, (byPmu.get(plan.pmu.type) ?? 0) + value);
        bySocket.set(plan.socket, byPmu);
        counts.set(event.name, bySocket);
      }
    }
    const metrics: Metric[] = [];
    for (const { event, socket, pmuType, value } of raw.values()) {
      const extra = event.predefined ? {} : {
        type: "counter" as const,
        help: `Uncore PMU counter configured in uncore_event_names as ${event.text}.`,
      };
      metrics.push({
        name: event.name,
        value,
        labels: this.#labels.of(labels, "socket", `${socket}`, "pmu_type", `${pmuType}`),
        ...extra,
      });
    }
    for (const { socket, pmuType, factor } of scaling.values()) {
      metrics.push({
        name: "platform_scaling_uncore_factor",
        value: factor,
        labels: this.#labels.of(labels, "socket", `${socket}`, "pmu_type", `${pmuType}`),
      });
    }
    if (this.#derived) {
      const snapshot: UncoreSnapshot = { seconds: this.#now(), counts };
      for (const d of deriveUncoreMetrics(this.#previous, snapshot)) {
        const where = this.#labels.of(
          labels,
          "socket",
          `${d.socket}`,
          ...(d.pmuType === undefined ? [] : ["pmu_type", `${d.pmuType}`]),
        );
        metrics.push({ name: d.name, value: d.value, labels: where });
      }
      this.#previous = snapshot;
    }
    return metrics;
  }

  close(): void {
    for (const { group } of this.#groups) group.close();
    const onClose = this.#onClose;
    this.#onClose = undefined;
    onClose?.();
  }

  #warnOnce(key: string, message: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#log.warning(`cannot read uncore counters of ${message}; left out (reported once)`);
  }
}

interface Rejection {
  readonly event: string;
  readonly code: string;
  /** The kernel's answer, e.g. "perf_event_open: ENOENT (No such file or directory)". */
  readonly reason: string;
  readonly where: string[];
}

/**
 * Opens `plan`'s group, leaving out each event the kernel rejects (noted in `rejected`) and trying
 * again without it; undefined when none is left. Other failures throw (see refusal()).
 */
function openSkippingRejected(
  sys: PerfSyscalls,
  plan: GroupPlan,
  plans: readonly GroupPlan[],
  rejected: Map<string, Rejection>,
): OpenGroup | undefined {
  let events = [...plan.events];
  while (events.length > 0) {
    try {
      const group = PerfEventGroup.open(
        sys,
        events.map((e) => ({ name: e.event.name, attr: e.attr })),
        { pid: -1, cpu: plan.cpu },
      );
      return { plan, group, events: events.map((e) => e.event) };
    } catch (error) {
      const code = error instanceof PerfOpenError ? error.code : undefined;
      if (code === undefined || !Object.hasOwn(REJECTED, code)) throw refusal(error, plans);
      const failed = (error as PerfOpenError).event;
      const key = `${failed}\0${code}`;
      const entry = rejected.get(key) ??
        { event: failed, code, reason: ((error as Error).cause as Error).message, where: [] };
      entry.where.push(`${plan.pmu.name} (CPU ${plan.cpu})`);
      rejected.set(key, entry);
      events = events.filter((e) => e.event.name !== failed);
    }
  }
  return undefined;
}

/** A refusal that dropping events cannot fix, as the operator should read it. */
function refusal(error: unknown, plans: readonly GroupPlan[]): Error {
  if (!(error instanceof PerfOpenError)) return error as Error;
  const fds = plans.reduce((n, p) => n + p.events.length, 0);
  const fdAdvice = `the open-file limit is reached (uncore counters need ${fds} perf fds besides the ` +
    "agent's other files); raise it with LimitNOFILE= in the agent's systemd unit (or ulimit -n)";
  const sentence = openRefusal(error, fdAdvice, "uncore PMUs count for the whole machine, which");
  return new StartupError(sentence ?? error.message);
}
