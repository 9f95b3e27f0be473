/**
 * The one owner of every task's resctrl groups: its control group (CLOSID: cache ways and memory
 * bandwidth) and its monitoring group (RMID: the counters). The RDT measurement source uses `monitor`
 * (sync, read, close) and the allocator uses `assign` and `schemataOf`; both see the same placement, so
 * a task moved into a control group keeps being monitored from a group under that control group.
 *
 * Why one owner: the kernel only takes a thread into a monitoring group whose parent control group holds
 * it. Moving a task to another control group therefore moves its monitoring group too (removed from the
 * old parent, made under the new one: counters restart with the new RMID).
 *
 * Placement is read from the system, not remembered: at start from where an earlier run's monitoring
 * groups are, and every iteration (controlGroupsByThread) from the control groups' `tasks`.
 */
import {
  type GroupDirectories,
  KERNEL_DIRECTORIES,
  listDirectories,
  readGroupTasks,
  RESERVED_NAMES,
  type TaskWriteResult,
} from "./groups.ts";
import { controlDir, type ControlPlacement, MonitorGroups, type MonitorOutcome } from "./monitor.ts";
import { ResctrlControl, ROOT_GROUP } from "./control.ts";
import { formatSchemataLine, type SchemataRequest, type ValidatedSchemata } from "./schemata.ts";
import type { ResctrlInfo } from "./types.ts";

export interface AssignResult {
  /** The control group the task was in ("" = root) and the one it is in now. */
  readonly from: string;
  readonly to: string;
  /** Threads written to the new control group. */
  readonly write: TaskWriteResult;
  /** The monitoring group, moved under the new control group; undefined without monitoring. */
  readonly monitor: MonitorOutcome | undefined;
  /** The old control group, removed because no thread was left in it. */
  readonly removedControl: string | undefined;
}

export class ResctrlTaskGroups implements ControlPlacement {
  readonly #info: ResctrlInfo;
  readonly #control: ResctrlControl | undefined;
  readonly #monitor: MonitorGroups | undefined;
  /** Monitoring group name → control group name, for tasks not in the root group. */
  readonly #placement = new Map<string, string>();

  constructor(info: ResctrlInfo, directories: GroupDirectories = KERNEL_DIRECTORIES) {
    this.#info = info;
    this.#control = info.closids === undefined ? undefined : new ResctrlControl(info, { directories });
    this.#monitor = info.monitoring === undefined ? undefined : new MonitorGroups(info, directories, this);
    for (const group of this.#monitor?.leftovers ?? []) {
      const control = this.#monitor!.leftoverControl(group);
      if (control !== undefined && control !== ROOT_GROUP) this.#placement.set(group, control);
    }
  }

  get info(): ResctrlInfo {
    return this.#info;
  }

  /** For the RDT measurement source; undefined when resctrl has no monitoring. */
  get monitor(): MonitorGroups | undefined {
    return this.#monitor;
  }

  /** Control operations (root defaults, remove_all_resctrl_groups); undefined without allocation. */
  get control(): ResctrlControl | undefined {
    return this.#control;
  }

  controlOf(group: string): string {
    return this.#placement.get(group) ?? ROOT_GROUP;
  }

  /**
   * Where threads are now: thread id → control group name, for threads in a control group other than
   * the root (any other thread is in the root group). One read of each control group's `tasks`.
   */
  controlGroupsByThread(): Map<number, string> {
    const out = new Map<number, string>();
    for (const name of listDirectories(this.#info.root).filter((n) => !RESERVED_NAMES.has(n))) {
      for (const id of readGroupTasks(controlDir(this.#info.root, name)) ?? []) out.set(id, name);
    }
    return out;
  }

  /**
   * The control group of a task whose threads are `ids`, as the system has it: the group holding most
   * of them ("" = root). Also brings the placement in line, so monitoring follows what the system says.
   */
  locate(
    group: string,
    ids: readonly number[],
    byThread: ReadonlyMap<number, string> = this.controlGroupsByThread(),
  ): string {
    const counts = new Map<string, number>();
    for (const id of ids) {
      const name = byThread.get(id) ?? ROOT_GROUP;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    let best = ids.length === 0 ? this.controlOf(group) : ROOT_GROUP;
    for (const [name, count] of counts) if (count > (counts.get(best) ?? 0)) best = name;
    if (best === ROOT_GROUP) this.#placement.delete(group);
    else this.#placement.set(group, best);
    return best;
  }

  /**
   * Moves a task (monitoring group `group`, threads `ids`) into control group `to` ("" = root): makes
   * the control group (CLOSIDs are counted: ResctrlLimitError when none is left), writes the threads to
   * it, moves the monitoring group under it, and removes the old control group when it is left empty.
   */
  assign(group: string, to: string, ids: readonly number[]): AssignResult {
    const control = this.#needControl();
    const from = this.controlOf(group);
    control.createControlGroup(to);
    const write = control.moveTasks(to, ids);
    if (to === ROOT_GROUP) this.#placement.delete(group);
    else this.#placement.set(group, to);
    const monitor = this.#monitor?.relocate({ group, ids });
    let removedControl: string | undefined;
    if (from !== to && from !== ROOT_GROUP && this.#isEmptyWithout(from, new Set(ids))) {
      control.removeControlGroup(from);
      removedControl = from;
    }
    return { from, to, write, monitor, removedControl };
  }

  /** The control group's L3 (all L3* lines) and MB lines as the kernel prints them. */
  schemataOf(name: string): { l3?: string; mb?: string } {
    const schemata = this.#needControl().readSchemata(name);
    const l3 = [...schemata].filter(([r]) => r.startsWith("L3")).map(([r, v]) => formatSchemataLine(r, v));
    const mb = schemata.get("MB");
    return {
      ...(l3.length > 0 ? { l3: l3.join("\n") } : {}),
      ...(mb === undefined ? {} : { mb: formatSchemataLine("MB", mb) }),
    };
  }

  /** Validates and writes schemata lines (MB rounded to bandwidth_gran, as validated). */
  writeSchemata(name: string, request: SchemataRequest): ValidatedSchemata {
    return this.#needControl().writeSchemata(name, request);
  }

  /** Removes the monitoring groups this owner holds (the control groups stay: allocations persist). */
  close(): string[] {
    return this.#monitor?.close() ?? [];
  }

  /** No thread left once `moved` left it (the kernel has taken them out already), and no monitoring group. */
  #isEmptyWithout(name: string, moved: ReadonlySet<number>): boolean {
    const tasks = readGroupTasks(controlDir(this.#info.root, name));
    const monGroups = listDirectories(`${controlDir(this.#info.root, name)}/mon_groups`);
    return tasks !== undefined && tasks.every((id) => moved.has(id)) && monGroups.length === 0;
  }

  #needControl(): ResctrlControl {
    if (this.#control === undefined) {
      throw new Error(
        `resctrl at ${this.#info.root} has no control resources (no info/L3, info/L3CODE or info/MB): ` +
          "RDT allocation is not possible on this host",
      );
    }
    return this.#control;
  }
}
