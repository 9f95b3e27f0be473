/** The processes of a task: its cgroup's and its sub-cgroups' (a pod's containers) `cgroup.procs`. */
import type { Task } from "../components/interfaces.ts";
import { type CgroupLayout, readProcessIds } from "../platform/cgroup/mod.ts";

/** Process ids of the task, each once; undefined when its cgroup is gone. */
export function taskProcessIds(layout: CgroupLayout, task: Task): number[] | undefined {
  const main = readProcessIds(layout, task.cgroup_path);
  if (main === undefined) return undefined;
  const ids = new Set(main);
  for (const path of task.subcgroups_paths) {
    for (const id of readProcessIds(layout, path) ?? []) ids.add(id);
  }
  return [...ids];
}
