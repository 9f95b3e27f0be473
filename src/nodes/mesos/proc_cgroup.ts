/**
 * A process's cgroup from /proc/<pid>/cgroup (`hierarchy-id:controllers:path` per line; cgroup2 is
 * `0::path`), in the hierarchy tasks are measured in. The parser is pure; the reader treats a process
 * that exited as "gone" (undefined).
 */
import type { CgroupMount } from "../../platform/cgroup/mod.ts";
import { isGoneError } from "../../platform/fs_errors.ts";
import type { HostPaths } from "../../platform/host_paths.ts";
import * as hostFs from "../../platform/host_fs.ts";

/** The path of `mount`'s hierarchy in the file's text; undefined when the file does not list it. */
export function parseProcCgroup(
  text: string,
  mount: Pick<CgroupMount, "version" | "controllers">,
): string | undefined {
  for (const line of text.split("\n")) {
    const first = line.indexOf(":");
    const second = line.indexOf(":", first + 1);
    if (first < 0 || second < 0) continue;
    const controllers = line.slice(first + 1, second);
    const path = line.slice(second + 1);
    if (!path.startsWith("/")) continue;
    if (mount.version === 2) {
      if (line.slice(0, first) === "0" && controllers === "") return path;
    } else if (controllers.split(",").some((name) => mount.controllers.includes(name))) {
      return path;
    }
  }
  return undefined;
}

export type ProcCgroup =
  | { readonly kind: "ok"; readonly path: string }
  /** The process exited (a task ending is normal). */
  | { readonly kind: "gone" }
  /** The process is not in the hierarchy (the file does not list it). */
  | { readonly kind: "unlisted" };

/** The cgroup of `pid` in `mount`'s hierarchy. */
export function readProcCgroup(paths: HostPaths, pid: number, mount: CgroupMount): ProcCgroup {
  let text: string;
  try {
    text = hostFs.readTextFileSync(`${paths.proc}/${pid}/cgroup`);
  } catch (error) {
    if (isGoneError(error)) return { kind: "gone" };
    throw error;
  }
  const path = parseProcCgroup(text, mount);
  return path === undefined ? { kind: "unlisted" } : { kind: "ok", path };
}
