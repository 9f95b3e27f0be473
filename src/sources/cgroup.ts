/** One task's cgroup measurements as task_* metrics. Pure. */
import type { Task } from "../components/interfaces.ts";
import type { Labels, Metric } from "../metrics/metric.ts";
import type { CgroupMeasurements, Pressure } from "../platform/cgroup/mod.ts";

const PRESSURE_NAMES = [
  ["cpuPressure", "task_cpu_pressure_some_seconds", "task_cpu_pressure_full_seconds"],
  ["memoryPressure", "task_mem_pressure_some_seconds", "task_mem_pressure_full_seconds"],
  ["ioPressure", "task_io_pressure_some_seconds", "task_io_pressure_full_seconds"],
] as const;

/**
 * The metrics of one task share one frozen copy of its labels (the same values `metric()` would copy
 * into each): a task has a dozen metrics and a busy node a thousand tasks, every iteration. Labels that
 * are already frozen are shared as they are. `numaLabels` gives the labels of task_mem_numa_pages for a
 * node (a caller that keeps them between iterations lets encoders reuse their text).
 */
export function taskMetrics(
  task: Task,
  m: CgroupMeasurements,
  labels: Labels,
  lastSeen: number,
  numaLabels: (node: number) => Labels = (node) => Object.freeze({ ...labels, numa_node: String(node) }),
): Metric[] {
  const shared: Labels = Object.isFrozen(labels) ? labels : Object.freeze({ ...labels });
  const out: Metric[] = [
    { name: "task_up", value: 1, labels: shared },
    { name: "task_last_seen", value: lastSeen, labels: shared },
    { name: "task_subcontainers", value: task.subcgroups_paths.length, labels: shared },
  ];
  const add = (name: string, value: number | undefined) => {
    if (value !== undefined) out.push({ name, value, labels: shared });
  };
  add("task_requested_cpus", requested(task.resources["cpus"]));
  add("task_requested_mem_bytes", requested(task.resources["mem"]));
  add("task_cpu_usage_seconds", m.cpuUsageSeconds);
  add("task_mem_usage_bytes", m.memoryUsageBytes);
  add("task_mem_max_usage_bytes", m.memoryMaxUsageBytes);
  add("task_mem_limit_bytes", m.memoryLimitBytes);
  add("task_mem_soft_limit_bytes", m.memorySoftLimitBytes);
  add("task_mem_page_faults", m.pageFaults);
  for (const [node, pages] of m.numaPages ?? []) {
    out.push({
      name: "task_mem_numa_pages",
      value: pages,
      labels: numaLabels(node),
    });
  }
  for (const [field, some, full] of PRESSURE_NAMES) {
    const pressure: Pressure | undefined = m[field];
    if (pressure === undefined) continue;
    add(some, pressure.some.totalUs / 1e6);
    if (pressure.full) add(full, pressure.full.totalUs / 1e6);
  }
  return out;
}

/**
 * A resource request as a number: numbers as given, numeric strings ("2", "0.5") parsed; anything else
 * (absent, "unlimited") is no metric.
 */
export function requested(value: number | string | undefined): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string" || !/^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/.test(value)) {
    return undefined;
  }
  return Number(value);
}
