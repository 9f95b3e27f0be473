/**
 * The RDT measurement source: one resctrl monitoring group per task, fed the task's threads every
 * iteration, read into task_llc_occupancy_bytes and task_mem_bandwidth_{,local_,remote_}bytes.
 *
 * rdt_enabled: unset = on when resctrl is mounted with monitoring; true = required (refuses to start
 * without it); false = off.
 */
import type { ComponentContext } from "../components/component.ts";
import type { Task } from "../components/interfaces.ts";
import { getLogger, OnceLog } from "../logging/mod.ts";
import type { Labels, Metric } from "../metrics/metric.ts";
import { type CgroupLayout, readThreadIds } from "../platform/cgroup/mod.ts";
import { ResctrlTaskGroups } from "../platform/resctrl/task_groups.ts";
import {
  type GroupDirectories,
  groupNameFor,
  KERNEL_DIRECTORIES,
  type MonitorGroups,
  type MonitorOutcome,
  type MonitorTarget,
  readResctrlInfo,
  type ResctrlInfo,
  ResctrlLimitError,
} from "../platform/resctrl/mod.ts";
import type { HostFacts } from "./facts.ts";
import { boolean } from "../config/schema.ts";
import { type MeasurementSource, type MeasurementSourceFactory, StartupError } from "./contract.ts";

const log = getLogger("wca.rdt");

/** How to enable resctrl at `root` (the host's resctrl path). */
function enableHint(root: string): string {
  return `mount it with \`mount -t resctrl resctrl ${root}\` (it needs a CPU with RDT monitoring, flags ` +
    "cqm_llc/cqm_mbm_total in cpuinfo, and a kernel built with CONFIG_X86_CPU_RESCTRL), or set rdt_enabled: false";
}

export class RdtSource implements MeasurementSource {
  readonly name = "rdt";
  readonly #groups: MonitorGroups;
  readonly #layout: CgroupLayout;
  /** The one owner of every task's resctrl groups; AllocationRunner moves tasks through it. */
  readonly owner: ResctrlTaskGroups;
  /** task_id → monitoring group, for tasks whose group is in place. */
  readonly #taskGroups = new Map<string, string>();
  /** Problems already reported at warning level, by task and kind; later repeats go to debug. */
  readonly #once = new OnceLog(log);

  constructor(info: ResctrlInfo, layout: CgroupLayout, directories: GroupDirectories = KERNEL_DIRECTORIES) {
    this.owner = new ResctrlTaskGroups(info, directories);
    const monitor = this.owner.monitor;
    if (monitor === undefined) throw new Error("resctrl has no monitoring");
    this.#groups = monitor;
    this.#layout = layout;
    const leftovers = this.#groups.leftovers;
    if (leftovers.length > 0) {
      log.info(
        `RDT: ${leftovers.length} monitoring group(s) of an earlier run found; reused for the same tasks, else removed`,
      );
    }
    log.info(`RDT: monitoring ${this.#groups.events.join(", ")} in ${info.monDomains.length} L3 domain(s)`);
  }

  sync(tasks: readonly Task[]): void {
    const targets: MonitorTarget[] = [];
    const groupOf = new Map<string, Task>();
    for (const task of tasks) {
      const ids = this.#threadIds(task);
      if (ids === undefined) continue; // the task's cgroup went away: its group goes too
      const group = groupNameFor(task.cgroup_path);
      groupOf.set(group, task);
      targets.push({ group, ids });
    }
    const report = this.#groups.sync(targets);
    this.#taskGroups.clear();
    for (const outcome of report.outcomes) {
      const task = groupOf.get(outcome.group)!;
      if (this.#handle(task, outcome)) this.#taskGroups.set(task.task_id, outcome.group);
    }
    for (const group of report.removed) log.debug(`RDT: removed monitoring group ${group}`);
    for (const message of report.removeErrors) log.warning(`RDT: ${message}`);
  }

  /** The task's threads, and those of its sub-cgroups (a pod's containers); undefined when its cgroup is gone. */
  #threadIds(task: Task): number[] | undefined {
    const main = readThreadIds(this.#layout, task.cgroup_path);
    if (main === undefined) return undefined;
    const ids = new Set(main);
    for (const path of task.subcgroups_paths) {
      for (const id of readThreadIds(this.#layout, path) ?? []) ids.add(id);
    }
    return [...ids];
  }

  /** Logs one outcome; true when the task's group is usable. */
  #handle(task: Task, outcome: MonitorOutcome): boolean {
    if (outcome.status === "failed") {
      const kind = outcome.error instanceof ResctrlLimitError ? `limit-${outcome.error.exhausted}` : "error";
      this.#once.warn(
        task.task_id,
        `RDT: not monitoring task ${task.task_id} this iteration: ${outcome.error.message}`,
        kind,
      );
      return false;
    }
    this.#once.clear(task.task_id, "limit-RMID");
    this.#once.clear(task.task_id, "error");
    if (outcome.status === "created") {
      log.debug(`RDT: monitoring group ${outcome.group} for task ${task.task_id}`);
    }
    if (outcome.status === "reused") {
      log.info(`RDT: reusing monitoring group ${outcome.group} for task ${task.task_id}`);
    }
    const { gone, refused } = outcome.write;
    if (gone.length > 0) {
      log.debug(`RDT: task ${task.task_id}: ${gone.length} thread(s) exited before being added`);
    }
    for (const { id, reason } of refused) {
      this.#once.warn(
        task.task_id,
        `RDT: task ${task.task_id}: thread ${id} not added to ${outcome.group}: ${reason}`,
        "refused",
      );
    }
    return true;
  }

  taskMetrics(task: Task, labels: Labels): Metric[] {
    const group = this.#taskGroups.get(task.task_id);
    if (group === undefined) return [];
    const reading = this.#groups.read(group);
    if (reading === undefined) return [];
    if (reading.missing.length > 0) {
      log.debug(
        `RDT: task ${task.task_id}: no value for ${reading.missing.join(", ")}; those metrics are left out`,
      );
    }
    const { llc_occupancy: llc, mbm_total_bytes: total, mbm_local_bytes: local } = reading.totals;
    const out: Metric[] = [];
    if (llc !== undefined) out.push({ name: "task_llc_occupancy_bytes", value: llc, labels });
    if (total !== undefined) out.push({ name: "task_mem_bandwidth_bytes", value: total, labels });
    if (local !== undefined) out.push({ name: "task_mem_bandwidth_local_bytes", value: local, labels });
    if (total !== undefined && local !== undefined) {
      // Read microseconds apart, local may pass total by a few bytes; remote is never negative.
      out.push({ name: "task_mem_bandwidth_remote_bytes", value: Math.max(0, total - local), labels });
    }
    return out;
  }

  platformMetrics(_labels: Labels): Metric[] {
    return [];
  }

  close(): void {
    const removed = this.#groups.close();
    this.#taskGroups.clear();
    log.debug(`RDT: removed ${removed.length} monitoring group(s) on shutdown`);
  }
}

/** The fragment of MeasurementRunner's parameters this source owns. */
export const rdtParams = {
  rdt_enabled: boolean().optional().describe(
    "Intel RDT monitoring through resctrl: unset = on when resctrl is mounted with monitoring, " +
      "true = required (exit 1 without it), false = off.",
  ),
};

export interface RdtParams {
  readonly rdt_enabled?: boolean | undefined;
}

export interface RdtSourceOptions {
  /** How group directories are made and removed (tests pass a model of the kernel). */
  readonly directories?: GroupDirectories;
}

/** The factory MeasurementRunner uses; see the module comment for rdt_enabled. */
export function rdtSourceFactory(options: RdtSourceOptions = {}): MeasurementSourceFactory<RdtParams> {
  return (params: RdtParams, context: ComponentContext, facts: HostFacts) => {
    const mode = params.rdt_enabled;
    if (mode === false) return undefined;
    const root = context.hostPaths.resctrl;
    let info: ResctrlInfo | undefined;
    try {
      info = readResctrlInfo(context.hostPaths);
    } catch (error) {
      const message = `resctrl at ${root} cannot be read: ${(error as Error).message}`;
      if (mode === true) throw new StartupError(`rdt_enabled is true but ${message}`);
      log.warning(`RDT: ${message}; RDT metrics are off`);
      return undefined;
    }
    if (info === undefined) {
      if (mode === true) {
        throw new StartupError(
          `rdt_enabled is true but resctrl is not mounted at ${root}: ${enableHint(root)}`,
        );
      }
      log.info(`RDT: resctrl is not mounted at ${root}; RDT metrics are off (rdt_enabled is unset)`);
      return undefined;
    }
    if (info.monitoring === undefined) {
      const message =
        `resctrl at ${root} has no monitoring (no info/L3_MON): this CPU or kernel offers allocation only`;
      if (mode === true) throw new StartupError(`rdt_enabled is true but ${message}; set rdt_enabled: false`);
      log.info(`RDT: ${message}; RDT metrics are off`);
      return undefined;
    }
    try {
      return new RdtSource(info, facts.layout, options.directories);
    } catch (error) {
      const message = `cannot start monitoring with resctrl at ${root}: ${(error as Error).message}`;
      if (mode === true) throw new StartupError(`rdt_enabled is true but RDT ${message}`);
      log.warning(`RDT: ${message}; RDT metrics are off`);
      return undefined;
    }
  };
}
