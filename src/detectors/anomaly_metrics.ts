/**
 * Anomalies as metrics (WCA's detectors.py): one `anomaly` series per contending task, the anomaly's own
 * metrics labelled with its uuid, and the `anomaly_count` / `anomaly_last_occurrence` statistics.
 */
import { createHash } from "node:crypto";
import type { Anomaly, ContentionAnomaly } from "../components/decisions.ts";
import type { TasksData } from "../components/snapshot.ts";
import type { Labels, Metric } from "../metrics/metric.ts";

/** WCA's value of `contending_workload_instance` when neither the anomaly nor the task names one. */
export const WORKLOAD_NOT_FOUND = "workload not found";
/** The task label WCA took `contending_workload_instance` from. */
export const LABEL_WORKLOAD_INSTANCE = "workload_instance";

/**
 * A stable id of the anomaly: SHA-256 over its type, resource, contended task and the sorted, de-duplicated
 * contending tasks, the first 16 bytes printed as a UUID (as WCA printed its hash).
 *
 * WCA hashed only the sorted ids of all tasks together, so "A suffers from B" and "B suffers from A", or the
 * same tasks contending for cache and for memory bandwidth, shared one uuid and their metrics collided.
 */
export function anomalyUuid(
  anomaly: Pick<ContentionAnomaly, "type" | "resource" | "contended_task_id" | "contending_task_ids">,
): string {
  const contending = [...new Set(anomaly.contending_task_ids)].sort();
  // JSON keeps ids with commas apart: ["a,b"] and ["a", "b"] must not hash alike.
  const key = JSON.stringify([
    anomaly.type ?? "contention",
    anomaly.resource,
    anomaly.contended_task_id,
    contending,
  ]);
  const hex = createHash("sha256").update(key, "utf8").digest("hex").slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The metrics of this iteration's anomalies. Labels, weakest first: `commonLabels` (host, extra_labels),
 * the contended task's labels, then the anomaly's own labels. WCA let task labels override the anomaly's
 * (a task label named `type` or `uuid` would have replaced them); here the anomaly's labels win.
 */
export function anomalyMetrics(
  anomalies: readonly Anomaly[],
  tasksData: TasksData,
  commonLabels: Labels = {},
): Metric[] {
  const metrics: Metric[] = [];
  for (const anomaly of anomalies) {
    const type = anomaly.type ?? "contention";
    const uuid = anomalyUuid(anomaly);
    const contended = anomaly.contended_task_id;
    const taskLabels = tasksData.get(contended)?.labels ?? {};
    // A task listed twice would print the same series twice, which Prometheus rejects.
    for (const contending of new Set(anomaly.contending_task_ids)) {
      metrics.push({
        name: "anomaly",
        value: 1,
        type: "counter",
        labels: {
          ...commonLabels,
          ...taskLabels,
          uuid,
          type,
          resource: anomaly.resource,
          contended_task_id: contended,
          contending_task_id: contending,
          contending_workload_instance: anomaly.contending_workload_instance ??
            tasksData.get(contending)?.labels[LABEL_WORKLOAD_INSTANCE] ?? WORKLOAD_NOT_FOUND,
        },
      });
    }
    for (const own of anomaly.metrics ?? []) {
      metrics.push({
        ...own,
        labels: { ...commonLabels, ...own.labels, uuid, type: "anomaly", contended_task_id: contended },
      });
    }
  }
  return metrics;
}

export interface AnomalyStatisticsState {
  readonly count: number;
  /** Milliseconds since the epoch; undefined until an anomaly is seen. */
  readonly lastOccurrence: number | undefined;
}

/** The statistics after one iteration's anomalies, and their metrics (pure; AnomalyStatistics holds the state). */
export function nextAnomalyStatistics(
  previous: AnomalyStatisticsState,
  anomalies: readonly Anomaly[],
  now: number,
  commonLabels: Labels = {},
): { state: AnomalyStatisticsState; metrics: Metric[] } {
  const state = anomalies.length > 0
    ? { count: previous.count + anomalies.length, lastOccurrence: now }
    : previous;
  const metrics: Metric[] = [
    { name: "anomaly_count", value: state.count, type: "counter", labels: { ...commonLabels } },
  ];
  if (state.lastOccurrence !== undefined) {
    metrics.push({
      name: "anomaly_last_occurrence",
      value: state.lastOccurrence / 1000,
      type: "counter",
      labels: { ...commonLabels },
    });
  }
  return { state, metrics };
}

/** `anomaly_count` and `anomaly_last_occurrence` across iterations: one per runner. */
export class AnomalyStatistics {
  #state: AnomalyStatisticsState = { count: 0, lastOccurrence: undefined };

  /** Counts this iteration's anomalies (`now` in ms since the epoch) and returns the statistics metrics. */
  update(anomalies: readonly Anomaly[], now: number, commonLabels: Labels = {}): Metric[] {
    const { state, metrics } = nextAnomalyStatistics(this.#state, anomalies, now, commonLabels);
    this.#state = state;
    return metrics;
  }
}
