/**
 * What building a 1000-task batch costs after the files are read: the task_* metric objects, the
 * snapshot fold a detector or allocator asks for (lazy: a MeasurementRunner alone never pays it), and
 * encoding the batch with a fresh encoder against one kept between batches as storages keep it.
 * `deno task bench:micro` runs it (with the other deno benches).
 */
import type { Task } from "../../src/components/interfaces.ts";
import type { Labels, Metric } from "../../src/metrics/metric.ts";
import { encodeMetrics, MetricsEncoder } from "../../src/metrics/prometheus.ts";
import type { CgroupMeasurements } from "../../src/platform/cgroup/mod.ts";
import { defaultLabelGenerators, TaskLabelCache } from "../../src/runners/measurement/labels.ts";
import { taskMetrics } from "../../src/sources/cgroup.ts";
import { foldMeasurements } from "../../src/sources/snapshot.ts";

const TASKS = 1000;
const pressure = { some: { avg10: 0, avg60: 0, avg300: 0, totalUs: 1234 }, full: undefined };
const measurements: CgroupMeasurements = {
  cpuUsageSeconds: 12.5,
  memoryUsageBytes: 1 << 20,
  memoryMaxUsageBytes: 2 << 20,
  memoryLimitBytes: 2 ** 62,
  memorySoftLimitBytes: 2 ** 62,
  pageFaults: 4567,
  numaPages: new Map([[0, 321]]),
  cpuPressure: pressure,
  memoryPressure: pressure,
  ioPressure: pressure,
} as CgroupMeasurements;
const tasks: Task[] = Array.from({ length: TASKS }, (_, i) => ({
  name: `wca-bench/t${String(i).padStart(4, "0")}`,
  task_id: `wca-bench/t${String(i).padStart(4, "0")}`,
  cgroup_path: `/wca-bench/t${i}`,
  subcgroups_paths: [],
  labels: {},
  resources: {},
}));
const common = { host: "bench" };
const generators = defaultLabelGenerators();
const cache = new TaskLabelCache();

function buildBatch(): { metrics: Metric[]; perTask: [Metric[], Labels][] } {
  const metrics: Metric[] = [];
  const perTask: [Metric[], Labels][] = [];
  for (const task of tasks) {
    const labels = cache.labels(task, common, generators);
    const samples = taskMetrics(
      task,
      measurements,
      labels,
      1,
      (n) => cache.numaLabels(task.task_id, labels, n),
    );
    perTask.push([samples, labels]);
    for (const sample of samples) metrics.push(sample);
  }
  return { metrics, perTask };
}

const { metrics, perTask } = buildBatch();
const kept = new MetricsEncoder();
kept.render(kept.prepare(metrics), { timestamps: false, now: 0 });

Deno.bench(`${TASKS} tasks: labels and task_* metric objects`, { group: "build" }, () => {
  buildBatch();
});

Deno.bench(`${TASKS} tasks: snapshot fold (foldMeasurements per task)`, { group: "build" }, () => {
  for (const [samples, labels] of perTask) foldMeasurements(samples, labels);
});

Deno.bench(`${TASKS} tasks: encodeMetrics, a fresh encoder`, { group: "encode", baseline: true }, () => {
  encodeMetrics(metrics, { timestamps: false, now: 0 });
});

Deno.bench(`${TASKS} tasks: prepare + render, an encoder kept between batches`, { group: "encode" }, () => {
  kept.render(kept.prepare(metrics), { timestamps: false, now: 0 });
});

Deno.bench(`${TASKS} tasks: prepare only (HTTPMetricsStorage.store)`, { group: "encode" }, () => {
  kept.prepare(metrics);
});
