/** The agent's own health: wca_* metrics. */
import { logCountMetrics, type LogHub } from "../../logging/mod.ts";
import { type Metric, metric } from "../../metrics/metric.ts";
import type { Topology } from "../../platform/topology.ts";

export interface IterationStats {
  readonly tasks: number;
  /** Seconds spent per step of the last iteration ("iteration", "node", "platform", "tasks", "store"). */
  readonly durations: Readonly<Record<string, number>>;
  /** Mean seconds per step since the agent started (wca_duration_seconds_avg). */
  readonly averages?: Readonly<Record<string, number>>;
}

export function internalMetrics(
  stats: IterationStats,
  topology: Topology,
  version: string,
  hub: LogHub,
  labels: Record<string, string>,
): Metric[] {
  const out: Metric[] = [
    metric("wca_up", Date.now() / 1000, labels),
    metric("wca_tasks", stats.tasks, labels),
    metric("wca_mem_usage_bytes", Deno.memoryUsage().rss, labels),
    metric("wca_information", 1, {
      ...labels,
      cores: String(topology.cores),
      cpus: String(topology.cpus),
      sockets: String(topology.sockets),
      cpu_model: topology.cpuModel,
      cpu_model_number: topology.cpuModelNumber === undefined ? "" : String(topology.cpuModelNumber),
      wca_version: version,
    }),
  ];
  for (const [step, seconds] of Object.entries(stats.durations)) {
    out.push(metric("wca_duration_seconds", seconds, { ...labels, function: step }));
  }
  for (const [step, seconds] of Object.entries(stats.averages ?? {})) {
    out.push(metric("wca_duration_seconds_avg", seconds, { ...labels, function: step }));
  }
  for (const count of logCountMetrics(hub)) {
    out.push({ ...count, labels: { ...labels, ...count.labels } });
  }
  return out;
}
