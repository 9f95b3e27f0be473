/** One task's cgroup measurements as task_* metrics. Pure. */
import type { Task } from "../../components/interfaces.ts";
import { type Metric, metric } from "../../metrics/metric.ts";
import type { CgroupMeasurements, Pressure } from "../../platform/cgroup/mod.ts";

const PRESSURE_NAMES = [
  ["cpuPressure", "cpu"],
  ["memoryPressure", "mem"],
  ["ioPressure", "io"],
] as const;

function pressureMetrics(resource: string, pressure: Pressure, labels: Record<string, string>): Metric[] {
  const out = [metric(`task_${resource}_pressure_some_seconds`, pressure.some.totalUs / 1e6, labels)];
  if (pressure.full) {
    out.push(metric(`task_${resource}_pressure_full_seconds`, pressure.full.totalUs / 1e6, labels));
  }
  return out;
}

export function taskMetrics(
  task: Task,
  m: CgroupMeasurements,
  labels: Record<string, string>,
  lastSeen: number,
): Metric[] {
  const out: Metric[] = [
    metric("task_up", 1, labels),
    metric("task_last_seen", lastSeen, labels),
    metric("task_subcontainers", task.subcgroups_paths.length, labels),
  ];
  const add = (name: string, value: number | undefined) => {
    if (value !== undefined) out.push(metric(name, value, labels));
  };
  add("task_cpu_usage_seconds", m.cpuUsageSeconds);
  add("task_mem_usage_bytes", m.memoryUsageBytes);
  add("task_mem_max_usage_bytes", m.memoryMaxUsageBytes);
  add("task_mem_limit_bytes", m.memoryLimitBytes);
  add("task_mem_soft_limit_bytes", m.memorySoftLimitBytes);
  add("task_mem_page_faults", m.pageFaults);
  for (const [node, pages] of m.numaPages ?? []) {
    out.push(metric("task_mem_numa_pages", pages, { ...labels, numa_node: String(node) }));
  }
  for (const [field, resource] of PRESSURE_NAMES) {
    const pressure = m[field];
    if (pressure) out.push(...pressureMetrics(resource, pressure, labels));
  }
  return out;
}
