/**
 * The thread ids of a cgroup: v1 `tasks` and v2 `cgroup.threads` list every thread, which is what
 * resctrl groups take (Documentation/admin-guide/cgroup-v1/cgroups.rst, cgroup-v2.rst). `cgroup.procs`
 * would list thread-group leaders only.
 */
import { readUnlessGone } from "../fs_errors.ts";
import { parseIdList } from "./formats.ts";
import type { CgroupLayout } from "./mounts.ts";

/** Thread ids in the cgroup itself (not its children); undefined when the cgroup is gone. */
export function readThreadIds(layout: CgroupLayout, cgroupPath: string): number[] | undefined {
  const mount = layout.v1.get("cpuacct") ?? layout.v1.get("cpu") ?? layout.unified;
  if (mount === undefined) return undefined;
  const file = mount.version === 1 ? "tasks" : "cgroup.threads";
  const path = `${mount.mountPoint}${cgroupPath === "/" ? "" : cgroupPath}/${file}`;
  const text = readUnlessGone(path);
  return text === undefined ? undefined : parseIdList(text, path);
}

/**
 * Process ids (thread-group leaders) in the cgroup itself: `cgroup.procs` in v1 and v2. Per-process
 * files (/proc/PID/smaps_rollup, sched) are read once per process, not once per thread.
 */
export function readProcessIds(layout: CgroupLayout, cgroupPath: string): number[] | undefined {
  const mount = layout.v1.get("cpuacct") ?? layout.v1.get("cpu") ?? layout.unified;
  if (mount === undefined) return undefined;
  const path = `${mount.mountPoint}${cgroupPath === "/" ? "" : cgroupPath}/cgroup.procs`;
  const text = readUnlessGone(path);
  return text === undefined ? undefined : parseIdList(text, path);
}
