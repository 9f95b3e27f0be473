/**
 * Monitoring groups kept in step with a set of tasks: one MON group per task under the root group's
 * mon_groups/, created when the task appears, fed the task's new thread ids every pass, removed when
 * the task goes and on close. Groups named with GROUP_PREFIX that an earlier run left behind are
 * reused for the same task or removed after the first pass.
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
    readonly status: "created" | "reused" | "kept";
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

export class MonitorGroups {
  readonly #info: ResctrlInfo;
  readonly #dirs: GroupDirectories;
  readonly #events: readonly MonEvent[];
  readonly #active = new Set<string>();
  #leftovers: Set<string>;

  constructor(info: ResctrlInfo, directories: GroupDirectories = KERNEL_DIRECTORIES) {
    if (info.monitoring === undefined) {
      throw new Error(`resctrl at ${info.root} has no monitoring (no info/L3_MON)`);
    }
    this.#info = info;
    this.#dirs = directories;
    const m = info.monitoring;
    this.#events = MON_EVENTS.filter((e) =>
      e === "llc_occupancy" ? m.llcOccupancy : e === "mbm_total_bytes" ? m.mbmTotal : m.mbmLocal
    );
    this.#leftovers = new Set(listDirectories(this.#monGroups()).filter((n) => n.startsWith(GROUP_PREFIX)));
  }

  /** Groups of an earlier run found at start and not yet reused or removed. */
  get leftovers(): readonly string[] {
    return [...this.#leftovers];
  }

  /** The groups this instance holds. */
  get groups(): readonly string[] {
    return [...this.#active];
  }

  /** Events read for every group, as info/L3_MON/mon_features lists them. */
  get events(): readonly MonEvent[] {
    return this.#events;
  }

  dir(group: string): string {
    return `${this.#monGroups()}/${group}`;
  }

  /**
   * One pass: remove the groups no target names (first, so their RMIDs can serve new tasks), then
   * create missing groups and add new thread ids.
   */
  sync(targets: readonly MonitorTarget[]): MonitorSyncReport {
    const wanted = new Set(targets.map((t) => t.group));
    const removed: string[] = [];
    const removeErrors: string[] = [];
    for (const group of [...this.#active, ...this.#leftovers]) {
      if (wanted.has(group)) continue;
      this.#active.delete(group);
      this.#leftovers.delete(group);
      try {
        if (removeGroup(this.#info.root, this.dir(group), this.#dirs)) removed.push(group);
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
    let status: "created" | "reused" | "kept" = "kept";
    try {
      let current = this.#active.has(group) ? readGroupTasks(this.dir(group)) : undefined;
      if (current === undefined) {
        // New, or removed behind our back (then made again).
        const made = this.#make(group);
        status = made === "exists" && this.#leftovers.has(group)
          ? "reused"
          : made === "exists"
          ? "kept"
          : "created";
        this.#leftovers.delete(group);
        this.#active.add(group);
        current = readGroupTasks(this.dir(group)) ?? [];
      }
      const present = new Set(current);
      const missing = target.ids.filter((id) => !present.has(id));
      const write = missing.length === 0
        ? NO_WRITES
        : writeGroupTasks(this.#info.root, this.dir(group), missing);
      return { group, status, write };
    } catch (error) {
      return { group, status: "failed", error: error as Error };
    }
  }

  #make(group: string): "created" | "exists" {
    return makeGroup(
      this.#info.root,
      this.dir(group),
      "mon",
      { numRmids: this.#info.monitoring?.numRmids, closids: this.#info.closids },
      this.#dirs,
    );
  }

  /** The group's counters summed over domains; undefined when it is not held or has vanished. */
  read(group: string): MonReading | undefined {
    if (!this.#active.has(group)) return undefined;
    return readMonData(this.dir(group), this.#info.monDomains, this.#events);
  }

  /** Removes every group this instance holds; returns the names removed. Failures are thrown after trying all. */
  close(): string[] {
    const removed: string[] = [];
    const errors: string[] = [];
    for (const group of this.#active) {
      try {
        if (removeGroup(this.#info.root, this.dir(group), this.#dirs)) removed.push(group);
      } catch (error) {
        errors.push((error as Error).message);
      }
    }
    this.#active.clear();
    if (errors.length > 0) throw new Error(errors.join("; "));
    return removed;
  }

  #monGroups(): string {
    return `${this.#info.root}/mon_groups`;
  }
}
