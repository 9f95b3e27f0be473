/**
 * PerfSource: per-task perf counters as a MeasurementRunner source. Opens counters for new tasks,
 * closes them for tasks that left, reads them every iteration, and derives ratios between iterations.
 */
import type { Task } from "../components/interfaces.ts";
import { getLogger, OnceLog } from "../logging/mod.ts";
import { DerivedLabels } from "../metrics/derived_labels.ts";
import type { Labels, Metric } from "../metrics/metric.ts";
import type { MeasurementSource } from "../sources/contract.ts";
import { fdLimitAdvice } from "./checks.ts";
import { type CounterSnapshot, derivePerfMetrics } from "./derived.ts";
import type { PerfEvent } from "./events.ts";
import { CgroupDirError, type CounterSyscalls, TaskCounters } from "./task_counters.ts";

const log = getLogger("wca.perf");

export interface PerfSourceOptions {
  /** The directory of the perf_event hierarchy that task cgroup paths are relative to. */
  readonly cgroupRoot: string;
  readonly cpus: readonly number[];
  /** true: counts summed over CPUs; false: one series per CPU with a `cpu` label. */
  readonly aggregateCpus: boolean;
  readonly derivedMetrics: boolean;
  readonly maxOpenFiles: number;
  /**
   * Said once for a task whose cgroup directory does not exist under cgroupRoot (hybrid hosts counting
   * in cgroup2, where not every task has a cgroup2 directory).
   */
  readonly missingDirAdvice?: string;
  /** Monotonic seconds; a parameter for tests. */
  readonly clock?: () => number;
  /** Called once on close, e.g. to unload libc. */
  readonly onClose?: () => void;
}

interface Tracked {
  readonly counters: TaskCounters;
  previous: CounterSnapshot | undefined;
  /** The task's per-CPU label objects, kept between iterations so encoders make their text once. */
  readonly cpuLabels: DerivedLabels;
}

export class PerfSource implements MeasurementSource {
  readonly name = "perf";
  readonly #sys: CounterSyscalls;
  readonly #events: readonly PerfEvent[];
  readonly #options: PerfSourceOptions;
  readonly #tasks = new Map<string, Tracked>();
  readonly #once = new OnceLog(log);
  readonly #clock: () => number;

  constructor(sys: CounterSyscalls, events: readonly PerfEvent[], options: PerfSourceOptions) {
    this.#sys = sys;
    this.#events = events;
    this.#options = options;
    this.#clock = options.clock ?? (() => performance.now() / 1000);
  }

  /** Perf fds held now: for tests and the fd budget. */
  get fdCount(): number {
    let sum = 0;
    for (const { counters } of this.#tasks.values()) sum += counters.fdCount;
    return sum;
  }

  sync(tasks: readonly Task[]): void {
    const seen = new Set<string>();
    for (const task of tasks) {
      seen.add(task.task_id);
      const dirs = this.#dirsOf(task);
      const known = this.#tasks.get(task.task_id);
      if (known && sameList(known.counters.dirs, dirs)) continue;
      // New task, or a pod whose containers changed: its counters start again.
      known?.counters.close();
      this.#tasks.delete(task.task_id);
      this.#open(task, dirs);
    }
    for (const [id, tracked] of this.#tasks) {
      if (seen.has(id)) continue;
      tracked.counters.close();
      this.#tasks.delete(id);
      this.#once.clear(id);
    }
  }

  taskMetrics(task: Task, labels: Labels): Metric[] {
    const tracked = this.#tasks.get(task.task_id);
    if (!tracked) return [];
    const reading = tracked.counters.read();
    const out: Metric[] = [];
    if (this.#options.aggregateCpus) {
      for (const [name, value] of reading.totals ?? []) out.push(counter(name, value, labels));
    } else {
      for (const [cpu, values] of reading.perCpu) {
        const cpuLabels = tracked.cpuLabels.of(labels, "cpu", String(cpu));
        for (const [name, value] of values) out.push(counter(name, value, cpuLabels));
      }
    }
    if (reading.scalingAvg !== undefined && reading.scalingMax !== undefined) {
      out.push({ name: "task_scaling_factor_avg", value: reading.scalingAvg, labels });
      out.push({ name: "task_scaling_factor_max", value: reading.scalingMax, labels });
    }
    if (this.#options.derivedMetrics && reading.totals) {
      // An iteration without a known total keeps the previous snapshot: the next ratio spans both.
      const now: CounterSnapshot = { time: this.#clock(), totals: reading.totals };
      for (const [name, value] of derivePerfMetrics(tracked.previous, now)) out.push({ name, value, labels });
      tracked.previous = now;
    }
    return out;
  }

  platformMetrics(): Metric[] {
    return [];
  }

  close(): void {
    for (const { counters } of this.#tasks.values()) counters.close();
    this.#tasks.clear();
    this.#options.onClose?.();
  }

  #dirsOf(task: Task): string[] {
    const paths = task.subcgroups_paths.length ? task.subcgroups_paths : [task.cgroup_path];
    return paths.map((path) => `${this.#options.cgroupRoot}${path === "/" ? "" : path}`);
  }

  #open(task: Task, dirs: readonly string[]): void {
    try {
      const counters = TaskCounters.open(this.#sys, this.#events, dirs, this.#options.cpus);
      this.#tasks.set(task.task_id, { counters, previous: undefined, cpuLabels: new DerivedLabels() });
      this.#once.clear(task.task_id);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "EMFILE" || code === "ENFILE") {
        this.#warnOnce(
          "fd-limit",
          `task ${task.task_id}: no perf counters: ${fdLimitAdvice(this.#options.maxOpenFiles)}`,
        );
      } else if (code === "ENOENT" && error instanceof CgroupDirError && this.#options.missingDirAdvice) {
        this.#warnOnce(
          task.task_id,
          `task ${task.task_id}: no perf counters: it has no cgroup directory ${error.dir}; ` +
            this.#options.missingDirAdvice,
        );
      } else {
        this.#warnOnce(task.task_id, `task ${task.task_id}: no perf counters: ${(error as Error).message}`);
      }
    }
  }

  /** A task without counters is tried again every iteration; the warning stays one. */
  #warnOnce(key: string, message: string): void {
    this.#once.warn(key, `${message}; retried every iteration`);
  }
}

function counter(name: string, value: number, labels: Labels): Metric {
  return { name, value, labels, type: "counter" };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}
