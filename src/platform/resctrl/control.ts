/**
 * Control operations for allocators: control groups by name, moving tasks between them, validated
 * schemata writes, root-group defaults, and removing every group. Each refused write carries the
 * kernel's reason from info/last_cmd_status.
 */
import type { ResctrlInfo } from "./types.ts";
import {
  checkGroupName,
  type GroupDirectories,
  KERNEL_DIRECTORIES,
  listDirectories,
  makeGroup,
  removeGroup,
  ResctrlLimitError,
  RESERVED_NAMES,
  type TaskWriteResult,
  writeControlFile,
  writeGroupTasks,
} from "./groups.ts";
import {
  formatSchemataLine,
  parseSchemata,
  type SchemataRequest,
  type SchemataValues,
  type ValidatedSchemata,
  validateSchemata,
} from "./schemata.ts";
import * as hostFs from "../host_fs.ts";

/** The root (default) control group. */
export const ROOT_GROUP = "";

export interface ResctrlControlOptions {
  /** How group directories are made and removed; see groups.ts. */
  readonly directories?: GroupDirectories;
}

/**
 * The schemata giving every domain all of the cache and bandwidth: what root defaults are when the
 * configuration sets none (WCA's "max" values). MB is left out on AMD, where the maximum is not in info/.
 */
export function fullSchemata(info: ResctrlInfo): SchemataRequest {
  const line = (resource: string, value: string) => {
    const domains = info.domains.get(resource) ?? [];
    return domains.length === 0
      ? undefined
      : formatSchemataLine(resource, new Map(domains.map((d) => [d, value] as const)));
  };
  const cache = info.l3 ?? info.l3code;
  const l3 = cache === undefined ? undefined : line(cache.resource, cache.cbmMask.toString(16));
  const mb = info.mb === undefined || info.mb.unit === "amd"
    ? undefined
    : line("MB", info.mb.unit === "percent" ? "100" : String(2 ** 32 - 1));
  return {
    ...(l3 === undefined ? {} : { l3: l3.replace(/^L3(CODE|DATA)?:/, "L3:") }),
    ...(mb === undefined ? {} : { mb }),
  };
}

export class ResctrlControl {
  readonly #info: ResctrlInfo;
  readonly #dirs: GroupDirectories;

  constructor(info: ResctrlInfo, options: ResctrlControlOptions = {}) {
    this.#info = info;
    this.#dirs = options.directories ?? KERNEL_DIRECTORIES;
  }

  get info(): ResctrlInfo {
    return this.#info;
  }

  /** The directory of a control group ("" is the root group). */
  groupDir(name: string): string {
    if (name === ROOT_GROUP) return this.#info.root;
    checkGroupName(name);
    return `${this.#info.root}/${name}`;
  }

  /** Names of the control groups other than the root. */
  controlGroups(): string[] {
    return listDirectories(this.#info.root).filter((name) => !RESERVED_NAMES.has(name));
  }

  /**
   * Creates a control group, or finds it when it exists. Refuses with ResctrlLimitError before the
   * kernel would when every CLOSID is taken.
   */
  createControlGroup(name: string): string {
    const dir = this.groupDir(name);
    if (name === ROOT_GROUP) return dir;
    const closids = this.#info.closids;
    if (closids === undefined) {
      throw new Error(
        `cannot create control group ${name}: resctrl at ${this.#info.root} has no control resources ` +
          "(no info/L3, info/L3CODE or info/MB): this host can monitor but not allocate",
      );
    }
    const existing = this.controlGroups();
    if (existing.includes(name)) return dir;
    if (existing.length + 1 >= closids) {
      throw new ResctrlLimitError(
        "CLOSID",
        `cannot create control group ${name}: all ${closids} CLOSIDs are in use (the root group and ` +
          `${existing.length} others: ${existing.join(", ")}). Remove unused control groups ` +
          "(remove_all_resctrl_groups clears them at start) or give tasks with the same allocation one group",
      );
    }
    makeGroup(
      this.#info.root,
      dir,
      "ctrl",
      { closids, numRmids: this.#info.monitoring?.numRmids },
      this.#dirs,
    );
    return dir;
  }

  /** Removes a control group and its monitoring groups; its tasks return to the root group. */
  removeControlGroup(name: string): boolean {
    if (name === ROOT_GROUP) throw new Error("the root resctrl group cannot be removed");
    return removeGroup(this.#info.root, this.groupDir(name), this.#dirs);
  }

  /** Moves threads into a control group (out of whichever group had them). */
  moveTasks(name: string, ids: Iterable<number>): TaskWriteResult {
    return writeGroupTasks(this.#info.root, this.groupDir(name), ids);
  }

  /** The group's schemata as the kernel prints it. */
  readSchemata(name: string): Map<string, SchemataValues> {
    const path = `${this.groupDir(name)}/schemata`;
    return parseSchemata(hostFs.readTextFileSync(path), path);
  }

  /**
   * Validates `request` (SchemataError names each bad domain and value) and writes the normalised
   * lines in one write. Returns what was written.
   */
  writeSchemata(name: string, request: SchemataRequest): ValidatedSchemata {
    const validated = validateSchemata(request, this.#info);
    if (validated.lines.length > 0) {
      writeControlFile(this.#info.root, `${this.groupDir(name)}/schemata`, validated.lines.join("\n") + "\n");
    }
    return validated;
  }

  /** default_rdt_l3 / default_rdt_mb: the root group's schemata; unset parts get everything. */
  setRootDefaults(defaults: SchemataRequest): ValidatedSchemata {
    const full = fullSchemata(this.#info);
    return this.writeSchemata(ROOT_GROUP, {
      ...(defaults.l3 ?? full.l3) === undefined ? {} : { l3: defaults.l3 ?? full.l3 },
      ...(defaults.mb ?? full.mb) === undefined ? {} : { mb: defaults.mb ?? full.mb },
    });
  }

  /**
   * remove_all_resctrl_groups: removes every control group (with its monitoring groups) and every
   * monitoring group of the root, whoever made them. Returns the removed directories.
   */
  removeAllGroups(): string[] {
    const root = this.#info.root;
    const removed: string[] = [];
    for (const name of listDirectories(`${root}/mon_groups`)) {
      if (removeGroup(root, `${root}/mon_groups/${name}`, this.#dirs)) {
        removed.push(`${root}/mon_groups/${name}`);
      }
    }
    for (const name of this.controlGroups()) {
      if (removeGroup(root, `${root}/${name}`, this.#dirs)) removed.push(`${root}/${name}`);
    }
    return removed;
  }
}
