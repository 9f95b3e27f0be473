/** The unit of work the agent measures and allocates for. */

/** A task the agent measures: one cgroup (or, for a pod, a parent cgroup and its containers). */
export interface Task {
  readonly name: string;
  readonly task_id: string;
  /** cgroup path within each hierarchy, e.g. "/task1" or "/kubepods/burstable/pod…". */
  readonly cgroup_path: string;
  /** Containers of a pod; measured and summed under the task. Empty for a plain task. */
  readonly subcgroups_paths: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly resources: Readonly<Record<string, number | string>>;
}
