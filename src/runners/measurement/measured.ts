/** What MeasurementRunner.measure() returns: the typed snapshot plus the samples storing encodes. */
import type { Platform, TaskData } from "../../components/snapshot.ts";
import type { Metric } from "../../metrics/metric.ts";
import type { HostPaths } from "../../platform/host_paths.ts";
import { readResctrlInfo, type ResctrlInfo } from "../../platform/resctrl/mod.ts";

/** A task's data with the samples it was folded from (what storing encodes). */
export interface MeasuredTask extends TaskData {
  readonly samples: readonly Metric[];
}

/** One iteration's measurement: the typed snapshot plus the samples to store. */
export interface Measured {
  readonly platform: Platform;
  readonly platformSamples: readonly Metric[];
  /** Measured tasks by task id (the snapshot's TasksData); vanished tasks are absent. */
  readonly tasks: ReadonlyMap<string, MeasuredTask>;
  /** Tasks the node listed, measured or not (wca_tasks). */
  readonly taskCount: number;
}

/** The samples of a measurement, platform first, then each task's, as storages receive them. */
export function encodeMeasured(measured: Measured): Metric[] {
  const metrics = [...measured.platformSamples];
  for (const task of measured.tasks.values()) for (const sample of task.samples) metrics.push(sample);
  return metrics;
}

/** resctrl's info when mounted and readable; the RDT source reports problems, facts stay quiet. */
export function readResctrlInfoOrNothing(paths: HostPaths): ResctrlInfo | undefined {
  try {
    return readResctrlInfo(paths);
  } catch {
    return undefined;
  }
}
