/**
 * The scheduler-statistics source behind WCA's `sched` parameter: every iteration, each process of a task
 * has its /proc/PID/sched read, and the values are summed over the processes into
 * `task_sched_stat{key}` and `task_sched_stat_numa_faults{numa_node,fault_type}`. Off by default: it
 * reads one file per process per iteration.
 */
import * as hostFs from "../platform/host_fs.ts";
import type { ComponentContext } from "../components/component.ts";
import type { Task } from "../components/interfaces.ts";
import { getLogger, OnceLog } from "../logging/mod.ts";
import type { Labels, Metric } from "../metrics/metric.ts";
import type { CgroupLayout } from "../platform/cgroup/mod.ts";
import type { HostPaths } from "../platform/host_paths.ts";
import { readProcSched } from "../platform/procfs/mod.ts";
import { matchAtStart } from "../platform/regexp.ts";
import type { MeasurementSource, MeasurementSourceFactory } from "./contract.ts";
import type { HostFacts } from "./facts.ts";
import { boolOrPattern } from "./platform.ts";
import { taskProcessIds } from "./task_processes.ts";

const log = getLogger("wca.sched");

/** The fragment of MeasurementRunner's parameters this source owns. */
export const schedParams = {
  sched: boolOrPattern(matchAtStart).default(false).describe(
    "task_sched_stat from /proc/PID/sched of every task process: false = off, true = every key, or a " +
      "regular expression matched at the start of each key (the text before ':').",
  ),
};

export interface SchedParams {
  readonly sched: boolean | string;
}

/** Sums of one task's processes: key → value, and "node/type" → faults. */
export interface SchedTotals {
  readonly values: Map<string, number>;
  readonly numaFaults: Map<number, Map<string, number>>;
}

/**
 * Reads and sums the sched files of `pids`; processes that exited meanwhile are left out, and so are those
 * that cannot be read (`onError` is told).
 */
export function readSchedTotals(
  paths: HostPaths,
  pids: readonly number[],
  keys: RegExp,
  onError: (pid: number, error: unknown) => void = (_, error) => {
    throw error;
  },
): SchedTotals {
  const totals: SchedTotals = { values: new Map(), numaFaults: new Map() };
  for (const pid of pids) {
    let sched;
    try {
      sched = readProcSched(paths, pid, keys);
    } catch (error) {
      onError(pid, error);
      continue;
    }
    if (sched === undefined) continue;
    for (const [key, value] of sched.values) totals.values.set(key, (totals.values.get(key) ?? 0) + value);
    for (const { node, faults } of sched.numaFaults) {
      const byType = totals.numaFaults.get(node) ?? new Map<string, number>();
      totals.numaFaults.set(node, byType);
      for (const [type, count] of faults) byType.set(type, (byType.get(type) ?? 0) + count);
    }
  }
  return totals;
}

/** A series' labels: the task's and its own. */
export type SeriesLabelsOf = (labels: Labels, own: Readonly<Record<string, string>>) => Labels;

/**
 * The totals as metrics with the task's labels. `labelsOf` makes a series' labels (a caller may keep
 * them between iterations so encoders reuse their text). Pure.
 */
export function schedMetrics(
  totals: SchedTotals,
  labels: Labels,
  labelsOf: SeriesLabelsOf = (task, own) => ({ ...task, ...own }),
): Metric[] {
  const out: Metric[] = [];
  for (const [key, value] of totals.values) {
    out.push({ name: "task_sched_stat", value, labels: labelsOf(labels, { key }) });
  }
  for (const [node, byType] of totals.numaFaults) {
    for (const [fault_type, value] of byType) {
      const own = { numa_node: String(node), fault_type };
      out.push({ name: "task_sched_stat_numa_faults", value, labels: labelsOf(labels, own) });
    }
  }
  return out;
}

/**
 * Frozen series labels kept per task labels object (the runner keeps a task's labels between
 * iterations); they go with it when the runner drops it.
 */
class SeriesLabels {
  readonly #byTask = new WeakMap<Labels, Map<string, Labels>>();

  of: SeriesLabelsOf = (labels, own) => {
    let series = this.#byTask.get(labels);
    if (series === undefined) this.#byTask.set(labels, series = new Map());
    const key = Object.entries(own).join("\n");
    let made = series.get(key);
    if (made === undefined) series.set(key, made = Object.freeze({ ...labels, ...own }));
    return made;
  };
}

export class SchedSource implements MeasurementSource {
  readonly name = "sched";
  readonly #paths: HostPaths;
  readonly #layout: CgroupLayout;
  readonly #keys: RegExp;
  readonly #once = new OnceLog(log);
  readonly #labels = new SeriesLabels();

  constructor(paths: HostPaths, layout: CgroupLayout, keys: RegExp) {
    this.#paths = paths;
    this.#layout = layout;
    this.#keys = keys;
  }

  sync(tasks: readonly Task[]): void {
    this.#once.retain(new Set(tasks.map((task) => task.task_id)));
  }

  taskMetrics(task: Task, labels: Labels): Metric[] {
    const pids = taskProcessIds(this.#layout, task);
    if (pids === undefined || pids.length === 0) return [];
    const totals = readSchedTotals(this.#paths, pids, this.#keys, (pid, error) => {
      this.#once.warn(
        task.task_id,
        `sched: task ${task.task_id}: process ${pid} left out: ${(error as Error).message}`,
      );
    });
    return schedMetrics(totals, labels, this.#labels.of);
  }

  platformMetrics(): Metric[] {
    return [];
  }

  close(): void {}
}

/** Starts the source when `sched` is not false. */
export const schedSourceFactory: MeasurementSourceFactory<SchedParams> = (
  params: SchedParams,
  context: ComponentContext,
  facts: HostFacts,
) => {
  if (params.sched === false) return undefined;
  const probe = `${context.hostPaths.proc}/self/sched`;
  try {
    hostFs.statSync(probe);
  } catch {
    log.warning(
      `sched: ${probe} does not exist (a kernel without CONFIG_SCHED_DEBUG); task_sched_stat is off`,
    );
    return undefined;
  }
  const keys = params.sched === true ? /^/ : matchAtStart(params.sched);
  log.info(`sched: reading /proc/PID/sched of every task process (keys matching ${keys.source})`);
  return new SchedSource(context.hostPaths, facts.layout, keys);
};
