/** A batch shaped like one WCA iteration on a small host: platform, agent and per-task metrics. */
import { METRIC_CATALOG } from "../../src/metrics/catalog.ts";
import { type Metric, metric } from "../../src/metrics/metric.ts";

export interface BatchShape {
  tasks?: number;
  cpus?: number;
  numaNodes?: number;
  host?: string;
}

/** Per-task labels as WCA prints them (orchestrator labels included). */
export function taskLabels(index: number, host: string): Record<string, string> {
  return {
    host,
    task_id: `task${index}`,
    task_name: `task${index}`,
    application: `app${index % 3}`,
    application_version_name: "",
  };
}

/** One sample of every catalog metric, with per-CPU and per-NUMA series where WCA has them. */
export function realisticBatch(shape: BatchShape = {}): Metric[] {
  const { tasks = 2, cpus = 4, numaNodes = 2, host = "node-1" } = shape;
  const out: Metric[] = [];
  const perCpu = new Set(["platform_cpu_usage"]);
  const perNuma = new Set([
    "platform_mem_numa_free_bytes",
    "platform_mem_numa_used_bytes",
    "task_mem_numa_pages",
  ]);
  const perf = new Set(["task_instructions", "task_cycles", "task_cache_misses", "task_cache_references"]);
  for (const name of Object.keys(METRIC_CATALOG)) {
    const targets = name.startsWith("task_")
      ? Array.from({ length: tasks }, (_, i) => taskLabels(i, host))
      : [{ host }];
    for (const base of targets) {
      if (perCpu.has(name) || perf.has(name)) {
        for (let cpu = 0; cpu < cpus; cpu++) {
          out.push(metric(name, 1000 * cpu + 7, { ...base, cpu: String(cpu) }));
        }
      } else if (perNuma.has(name)) {
        for (let node = 0; node < numaNodes; node++) {
          out.push(metric(name, 4096 * (node + 1), { ...base, numa_node: String(node) }));
        }
      } else if (name === "wca_information") {
        out.push(
          metric(name, 1, { ...base, cpu_model: 'Intel(R) "Core" i7 @ 3.60GHz', wca_version: "0.1.0" }),
        );
      } else if (name === "wca_duration_seconds") {
        out.push(metric(name, 0.000123, { ...base, function: "iteration" }));
      } else if (name === "wca_warning_count" || name === "wca_error_count") {
        out.push(metric(name, 0, { ...base, module: "wca.storage" }));
      } else if (name.endsWith("_last_seen") || name === "wca_up") {
        out.push(metric(name, 1575625087.7695165, base));
      } else {
        out.push(metric(name, name.endsWith("_bytes") ? 15852359680 : 1, base));
      }
    }
  }
  return out;
}
