/**
 * Monitoring groups kept in step with a set of tasks: one MON group per task under the mon_groups/ of
 * the control group that holds the task (the root group unless an allocation moved it: see
 * task_groups.ts, which owns both), created when the task appears, fed the task's new thread ids every
 * pass, removed when the task goes and on close. Groups named with GROUP_PREFIX that an earlier run left
 * behind, under any control group, are reused for the same task or removed after the first pass.
 *
 * The kernel takes a thread into a MON group only when the group's parent control group holds it, so
 * for a task placed in a control group other than the root, new thread ids go to that control group
 * first.
 */
import type { ResctrlInfo } from "./types.ts";
import {
  GROUP_PREFIX,
  type GroupDirectories,
  KERNEL_DIRECTORIES,
  listDirectories,
  makeGroup,
  readGroupTasks,
  removeGroup,
  RESERVED_NAMES,
  type TaskWriteResult,
  writeGroupTasks,
} from "./groups.ts";
import { MON_EVENTS, type MonEvent, type MonReading, readMonData } from "./mon_data.ts";

export interface MonitorTarget {
  /** Group name (groupNameFor(cgroupPath)). */
  readonly group: string;
  /** Thread ids that belong in the group now. */
  readonly ids: readonly number[];
}

export type MonitorOutcome =
  | {
    readonly group: string;
    /** "moved": made anew under another control group by relocate(); its counters restarted. */
    readonly status: "created" | "reused" | "kept" | "moved";
    readonly write: TaskWriteResult;
  }
  | { readonly group: string; readonly status: "failed"; readonly error: Error };

export interface MonitorSyncReport {
  readonly outcomes: readonly MonitorOutcome[];
  /** Groups removed in this pass: of tasks that went, and leftovers of an earlier run. */
  readonly removed: readonly string[];
  /** Removals that failed, with the reason. */
  readonly removeErrors: readonly string[];
}

const NO_WRITES: TaskWriteResult = Object.freeze({ written: [], gone: [], refused: [] });

/** Which control group ("" for the root) holds a task's monitoring group. */
export interface ControlPlacement {
  controlOf(group: string): string;
}

const ALL_IN_ROOT: ControlPlacement = Object.freeze({ controlOf: () => "" });

export class MonitorGroups {
  readonly #info: ResctrlInfo;
  readonly #dirs: GroupDirectories;
  readonly #events: readonly MonEvent[];
  readonly #placement: ControlPlacement;
  /** Held groups and the directory each is in now. */
  readonly #active = new Map<string, string>();
  /** Groups of an earlier run by name, with the directory they were found in. */
  #leftovers: Map<string, string>;

  constructor(
    info: ResctrlInfo,
    directories: GroupDirectories = KERNEL_DIRECTORIES,
    placement: ControlPlacement = ALL_IN_ROOT,
  ) {
    if (info.monitoring === undefined) {
      throw new Error(`resctrl at ${info.root} has no monitoring (no info/L3_MON)`);
    }
    this.#info = info;
    this.#dirs = directories;
    const m = info.monitoring;
    this.#events = MON_EVENTS.filter((e) =>
      e === "llc_occupancy" ? m.llcOccupancy : e === "mbm_total_bytes" ? m.mbmTotal : m.mbmLocal
    );
    this.#placement = placement;
    this.#leftovers = new Map();
    for (const control of ["", ...listDirectories(info.root).filter((n) => !RESERVED_NAMES.has(n))]) {
      const monGroups = `${controlDir(info.root, control)}/mon_groups`;
      for (const name of listDirectories(monGroups)) {
        if (name.startsWith(GROUP_PREFIX)) this.#leftovers.set(name, `${monGroups}/${name}`);
      }
    }
  }

  /** Groups of an earlier run found at start and not yet reused or removed. */
  get leftovers(): readonly string[] {
    return [...this.#leftovers.keys()];
  }

  /** The control group ("" = root) an earlier run's group was found under, if it was found. */
  leftoverControl(group: string): string | undefined {
    const dir = this.#leftovers.get(group);
    if (dir === undefined) return undefined;
    const parent = dir.slice(this.#info.root.length + 1, dir.lastIndexOf("/mon_groups/"));
    return parent;
  }

  /** The groups this instance holds. */
  get groups(): readonly string[] {
    return [...this.#active.keys()];
  }

  /** Events read for every group, as info/L3_MON/mon_features lists them. */
  get events(): readonly MonEvent[] {
    return this.#events;
  }

  /** Where the group belongs now: under its task's control group. */
  dir(group: string): string {
    return `${controlDir(this.#info.root, this.#placement.controlOf(group))}/mon_groups/${group}`;
  }

  /**
   * After the task's threads moved to another control group (task_groups.ts does that), removes the
   * group from its old place, then makes it under the new control group with `ids`. Counters restart:
   * the new group has a new RMID.
   */
  relocate(target: MonitorTarget): MonitorOutcome {
    const old = this.#active.get(target.group) ?? this.#leftovers.get(target.group);
    if (old !== undefined && old !== this.dir(target.group)) {
      this.#active.delete(target.group);
      this.#leftovers.delete(target.group);
      try {
        removeGroup(this.#info.root, old, this.#dirs);
      } catch (error) {
        return { group: target.group, status: "failed", error: error as Error };
      }
    }
    const outcome = this.#syncOne(target);
    return outcome.status === "created" ? { ...outcome, status: "moved" } : outcome;
  }

  /**
   * One pass: remove the groups no target names (first, so their RMIDs can serve new tasks), then
   * create missing groups and add new thread ids.
   */
  sync(targets: readonly MonitorTarget[]): MonitorSyncReport {
    const wanted = new Set(targets.map((t) => t.group));
    const removed: string[] = [];
    const removeErrors: string[] = [];
    for (const [group, dir] of [...this.#active, ...this.#leftovers]) {
      if (wanted.has(group)) continue;
      this.#active.delete(group);
      this.#leftovers.delete(group);
      try {
        if (removeGroup(this.#info.root, dir, this.#dirs)) removed.push(group);
      } catch (error) {
        removeErrors.push((error as Error).message);
      }
    }
    const outcomes = targets.map((target) => this.#syncOne(target));
    this.#leftovers.clear();
    return { outcomes, removed, removeErrors };
  }

  #syncOne(target: MonitorTarget): MonitorOutcome {
    const { group } = target;
    const dir = this.dir(group);
    let status: "created" | "reused" | "kept" = "kept";
    try {
      // Held somewhere else (the placement changed without relocate): that copy goes.
      const held = this.#active.get(group) ?? this.#leftovers.get(group);
      if (held !== undefined && held !== dir) {
        this.#active.delete(group);
        this.#leftovers.delete(group);
        removeGroup(this.#info.root, held, this.#dirs);
      }
      const control = this.#placement.controlOf(group);
      if (control !== "") this.#feedControl(control, target.ids);
      let current = this.#active.has(group) ? readGroupTasks(dir) : undefined;
      if (current === undefined) {
        // New, or removed behind our back (then made again).
        const made = this.#make(dir);
        status = made === "exists" && this.#leftovers.has(group)
          ? "reused"
          : made === "exists"
          ? "kept"
          : "created";
        this.#leftovers.delete(group);
        this.#active.set(group, dir);
        current = readGroupTasks(dir) ?? [];
      }
      const present = new Set(current);
      const missing = target.ids.filter((id) => !present.has(id));
      const write = missing.length === 0 ? NO_WRITES : writeGroupTasks(this.#info.root, dir, missing);
      return { group, status, write };
    } catch (error) {
      return { group, status: "failed", error: error as Error };
    }
  }

  /** Threads of the task not yet in its control group go there first (the kernel's rule). */
  #feedControl(control: string, ids: readonly number[]): void {
    const ctrlDir = controlDir(this.#info.root, control);
    const held = readGroupTasks(ctrlDir);
    if (held === undefined) {
      throw new Error(`control group ${ctrlDir} is gone; the task's monitoring group cannot be kept in it`);
    }
    const present = new Set(held);
    const missing = ids.filter((id) => !present.has(id));
    if (missing.length > 0) writeGroupTasks(this.#info.root, ctrlDir, missing);
  }

  #make(dir: string): "created" | "exists" {
    return makeGroup(
      this.#info.root,
      dir,
      "mon",
      { numRmids: this.#info.monitoring?.numRmids, closids: this.#info.closids },
      this.#dirs,
    );
  }

  /** The group's counters summed over domains; undefined when it is not held or has vanished. */
  read(group: string): MonReading | undefined {
    const dir = this.#active.get(group);
    if (dir === undefined) return undefined;
    return readMonData(dir, this.#info.monDomains, this.#events);
  }

  /** Removes every group this instance holds; returns the names removed. Failures are thrown after trying all. */
  close(): string[] {
    const removed: string[] = [];
    const errors: string[] = [];
    for (const [group, dir] of this.#active) {
      try {
        if (removeGroup(this.#info.root, dir, this.#dirs)) removed.push(group);
      } catch (error) {
        errors.push((error as Error).message);
      }
    }
    this.#active.clear();
    if (errors.length > 0) throw new Error(errors.join("; "));
    return removed;
  }
}

/** The directory of a control group ("" = the root). */
export function controlDir(root: string, control: string): string {
  return control === "" ? root : `${root}/${control}`;
}
