/**
 * resctrl groups as directories (Documentation/arch/x86/resctrl.rst, "Resource alloc and monitor
 * groups"): a CTRL_MON group is a directory in the root (it takes a CLOSID and an RMID), a MON group a
 * directory in a group's mon_groups/ (an RMID). Writing a task id to a group's `tasks` moves that thread
 * there; the kernel takes one id per write().
 */
import { errnoName, isNotFound, readUnlessGone } from "../fs_errors.ts";
import { parseIdList } from "../cgroup/formats.ts";
import * as hostFs from "../host_fs.ts";

/** Groups this agent makes start with this, so a later run can tell them from other tools' groups. */
export const GROUP_PREFIX = "wca-";

/** Entries of the root directory that are not control groups. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(["info", "mon_groups", "mon_data"]);

/**
 * How group directories are made and removed: mkdir(2) and rmdir(2). On a real mount the kernel fills a
 * new directory (tasks, cpus, mon_data…) and rmdir takes a populated group away, moving its tasks to the
 * parent. A plain directory does neither, so tests pass a model of that kernel behaviour
 * (tests/helpers/resctrl_model.ts); every other access is ordinary file I/O.
 */
export interface GroupDirectories {
  mkdir(path: string): void;
  rmdir(path: string): void;
}

export const KERNEL_DIRECTORIES: GroupDirectories = Object.freeze({
  mkdir: (path: string) => hostFs.mkdirSync(path),
  rmdir: (path: string) => hostFs.removeDirSync(path),
});

/** FNV-1a, 32 bits: a short, stable tag for a cgroup path. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/**
 * The group name of a task cgroup: `wca-` + the path with `/` as `-` (other unusual characters as `_`,
 * at most its last 160 characters) + `-` + a hash of the whole path, so distinct paths never share a
 * name and a restarted agent finds the same name again.
 */
export function groupNameFor(cgroupPath: string): string {
  const trimmed = cgroupPath.replace(/^\/+|\/+$/g, "");
  const readable = (trimmed === "" ? "root" : trimmed).replace(/\//g, "-").replace(/[^A-Za-z0-9_.:@-]/g, "_");
  return `${GROUP_PREFIX}${readable.slice(-160)}-${fnv1a(cgroupPath)}`;
}

/** A name usable as a group directory: no `/`, not `.`/`..`, not a reserved entry, at most 200 bytes. */
export function checkGroupName(name: string): void {
  if (!/^[A-Za-z0-9_.:@-]{1,200}$/.test(name) || name === "." || name === ".." || RESERVED_NAMES.has(name)) {
    throw new Error(
      `invalid resctrl group name ${JSON.stringify(name)}: expected 1-200 letters, digits or _ . : @ -, ` +
        `not ".", ".." or ${[...RESERVED_NAMES].join(", ")}`,
    );
  }
}

/** Running out of CLOSIDs or RMIDs: what ran out and what to do, for the operator. */
export class ResctrlLimitError extends Error {
  override readonly name = "ResctrlLimitError";
  readonly exhausted: "RMID" | "CLOSID";

  constructor(exhausted: "RMID" | "CLOSID", message: string) {
    super(message);
    this.exhausted = exhausted;
  }
}

/** A refused resctrl operation, with the kernel's own words from info/last_cmd_status. */
export class ResctrlWriteError extends Error {
  override readonly name = "ResctrlWriteError";
  readonly errno: string | undefined;

  constructor(message: string, errno: string | undefined) {
    super(message);
    this.errno = errno;
  }
}

/** info/last_cmd_status: "ok" or the kernel's reason for the last refused command. */
export function lastCmdStatus(root: string): string | undefined {
  try {
    return hostFs.readTextFileSync(`${root}/info/last_cmd_status`).trim();
  } catch {
    return undefined;
  }
}

/** " (kernel: …)" from last_cmd_status, or "" when it says nothing useful. */
export function kernelSays(root: string): string {
  const status = lastCmdStatus(root);
  return status === undefined || status === "" || status === "ok" ? "" : ` (kernel: ${status})`;
}

export interface GroupLimits {
  /** info/L3_MON/num_rmids, when monitoring. */
  readonly numRmids?: number;
  /** Smallest info/<resource>/num_closids, when controlling. */
  readonly closids?: number;
}

/**
 * Makes a group directory; "exists" when it was already there (a group of an earlier run is reused).
 * ENOSPC and EBUSY become ResctrlLimitError saying what ran out and what to do.
 */
export function makeGroup(
  root: string,
  dir: string,
  kind: "mon" | "ctrl",
  limits: GroupLimits,
  dirs: GroupDirectories = KERNEL_DIRECTORIES,
): "created" | "exists" {
  try {
    dirs.mkdir(dir);
    return "created";
  } catch (error) {
    const errno = errnoName(error);
    if (errno === "EEXIST") return "exists";
    const kernel = kernelSays(root);
    if (errno === "ENOSPC") {
      // A control group needs a CLOSID and an RMID; the kernel's status says which ran out.
      if (kind === "mon" || /rmid/i.test(kernel)) {
        throw new ResctrlLimitError(
          "RMID",
          `cannot create ${
            kind === "mon" ? "monitoring" : "control"
          } group ${dir}: no free RMID${kernel}; all ` +
            `${limits.numRmids ?? "?"} RMIDs (info/L3_MON/num_rmids) are held by resctrl groups. ` +
            `Remove groups that are no longer needed (other tools' too) or run fewer tasks on this node`,
        );
      }
      throw new ResctrlLimitError(
        "CLOSID",
        `cannot create control group ${dir}: no free CLOSID or RMID${kernel}; this host allows ` +
          `${
            limits.closids ?? "?"
          } control groups including the root one (the smallest info/*/num_closids). ` +
          `Remove unused control groups or give tasks with the same allocation one group`,
      );
    }
    if (errno === "EBUSY") {
      throw new ResctrlLimitError(
        "RMID",
        `cannot create ${kind === "mon" ? "monitoring" : "control"} group ${dir}: every free RMID is still ` +
          `"in limbo"${kernel}: cache lines of removed groups still carry it. The kernel frees them as that ` +
          `occupancy drops below info/L3_MON/max_threshold_occupancy; raising that value frees them sooner`,
      );
    }
    throw new ResctrlWriteError(
      `cannot create resctrl group ${dir}: ${(error as Error).message}${kernel}`,
      errno,
    );
  }
}

/** Removes a group directory (its tasks go back to the parent group); false when it was already gone. */
export function removeGroup(root: string, dir: string, dirs: GroupDirectories = KERNEL_DIRECTORIES): boolean {
  try {
    dirs.rmdir(dir);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw new ResctrlWriteError(
      `cannot remove resctrl group ${dir}: ${(error as Error).message}${kernelSays(root)}`,
      errnoName(error),
    );
  }
}

/** Names of the subdirectories of `dir`, sorted; [] when `dir` does not exist. */
export function listDirectories(dir: string): string[] {
  const names: string[] = [];
  try {
    for (const entry of hostFs.readDirSync(dir)) if (entry.isDirectory) names.push(entry.name);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
  return names.sort();
}

/** The task ids in a group's `tasks`; undefined when the group is gone. */
export function readGroupTasks(dir: string): number[] | undefined {
  const text = readUnlessGone(`${dir}/tasks`);
  return text === undefined ? undefined : parseIdList(text, `${dir}/tasks`);
}

export interface TaskWriteResult {
  /** Ids the kernel took. */
  readonly written: readonly number[];
  /** Ids of threads that exited before they were written (ESRCH): nothing to do. */
  readonly gone: readonly number[];
  /** Ids refused for another reason, with the kernel's words. */
  readonly refused: readonly { readonly id: number; readonly reason: string }[];
}

/**
 * Writes ids to a group's `tasks`, one per write() as the kernel requires. A thread that exited is
 * skipped; a refused id does not stop the others. Throws ResctrlWriteError when the group is gone.
 */
export function writeGroupTasks(root: string, dir: string, ids: Iterable<number>): TaskWriteResult {
  const path = `${dir}/tasks`;
  let file: hostFs.HostWriteFile;
  try {
    // Append: the kernel ignores the offset; a plain file standing in for `tasks` then keeps every id.
    file = hostFs.openForWriteSync(path, { append: true });
  } catch (error) {
    throw new ResctrlWriteError(`cannot open ${path}: ${(error as Error).message}`, errnoName(error));
  }
  const written: number[] = [];
  const gone: number[] = [];
  const refused: { id: number; reason: string }[] = [];
  const encoder = new TextEncoder();
  try {
    for (const id of ids) {
      try {
        file.writeSync(encoder.encode(`${id}\n`));
        written.push(id);
      } catch (error) {
        const errno = errnoName(error);
        if (errno === "ESRCH") gone.push(id);
        else refused.push({ id, reason: `${(error as Error).message}${kernelSays(root)}` });
      }
    }
  } finally {
    file.close();
  }
  return { written, gone, refused };
}

/** Writes text to a control file in one write() (schemata: all lines at once, as the kernel parses them). */
export function writeControlFile(root: string, path: string, text: string): void {
  let file: hostFs.HostWriteFile;
  try {
    file = hostFs.openForWriteSync(path, { truncate: true });
  } catch (error) {
    throw new ResctrlWriteError(`cannot open ${path}: ${(error as Error).message}`, errnoName(error));
  }
  try {
    const bytes = new TextEncoder().encode(text);
    const n = file.writeSync(bytes);
    if (n !== bytes.length) throw new Error(`short write (${n} of ${bytes.length} bytes)`);
  } catch (error) {
    throw new ResctrlWriteError(
      `writing ${JSON.stringify(text.trimEnd())} to ${path} failed: ${(error as Error).message}${
        kernelSays(root)
      }`,
      errnoName(error),
    );
  } finally {
    file.close();
  }
}
