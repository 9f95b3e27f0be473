import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { ContendedResource, type ContentionAnomaly } from "../../src/components/decisions.ts";
import {
  anomalyMetrics,
  AnomalyStatistics,
  anomalyUuid,
  nextAnomalyStatistics,
  WORKLOAD_NOT_FOUND,
} from "../../src/detectors/anomaly_metrics.ts";
import { encodeMetrics } from "../../src/metrics/prometheus.ts";
import { tasksDataOf } from "../helpers/snapshots.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const base: ContentionAnomaly = {
  resource: ContendedResource.LLC,
  contended_task_id: "task1",
  contending_task_ids: ["task2", "task3"],
};

Deno.test("anomalyUuid: a UUID, the same for the same input and for any order or repetition of contending ids", () => {
  const uuid = anomalyUuid(base);
  assert.match(uuid, UUID);
  assert.equal(anomalyUuid({ ...base }), uuid);
  assert.equal(anomalyUuid({ ...base, contending_task_ids: ["task3", "task2"] }), uuid);
  assert.equal(anomalyUuid({ ...base, contending_task_ids: ["task3", "task2", "task3"] }), uuid);
  assert.equal(anomalyUuid({ ...base, type: "contention" }), uuid, "type defaults to contention");
  // Pinned: a change of the hash input would break the ids dashboards have stored.
  const key = JSON.stringify(["contention", "cache", "task1", ["task2", "task3"]]);
  const hex = createHash("sha256").update(key).digest("hex");
  assert.equal(uuid.replaceAll("-", ""), hex.slice(0, 32));
});

Deno.test("anomalyUuid: differs by resource, by who is contended, and by the set of tasks", () => {
  const uuid = anomalyUuid(base);
  const others = [
    { ...base, resource: ContendedResource.MEMORY_BW },
    { ...base, contended_task_id: "task2", contending_task_ids: ["task1", "task3"] },
    { ...base, contending_task_ids: ["task2"] },
    // Ids with commas must not collide with split ids.
    { ...base, contending_task_ids: ["task2,task3"] },
  ];
  const uuids = new Set([uuid, ...others.map(anomalyUuid)]);
  assert.equal(uuids.size, others.length + 1);
});

Deno.test("anomalyMetrics: one anomaly series per contending task with WCA's labels and the contended task's", () => {
  const tasks = tasksDataOf({
    task1: { labels: { app: "memcached", workload_instance: "memcached_1" } },
    task2: { labels: { workload_instance: "stress_2" } },
    task3: {},
  });
  const anomaly: ContentionAnomaly = {
    ...base,
    metrics: [{ name: "cpi", value: 10, type: "gauge", labels: { threshold: "high" } }],
  };
  const metrics = anomalyMetrics([anomaly], tasks, { host: "node101", env: "prod" });
  const uuid = anomalyUuid(anomaly);
  assert.deepEqual(metrics, [
    {
      name: "anomaly",
      value: 1,
      type: "counter",
      labels: {
        host: "node101",
        env: "prod",
        task_id: "task1",
        task_name: "task1",
        app: "memcached",
        workload_instance: "memcached_1",
        uuid,
        type: "contention",
        resource: "cache",
        contended_task_id: "task1",
        contending_task_id: "task2",
        contending_workload_instance: "stress_2",
      },
    },
    {
      name: "anomaly",
      value: 1,
      type: "counter",
      labels: {
        host: "node101",
        env: "prod",
        task_id: "task1",
        task_name: "task1",
        app: "memcached",
        workload_instance: "memcached_1",
        uuid,
        type: "contention",
        resource: "cache",
        contended_task_id: "task1",
        contending_task_id: "task3",
        contending_workload_instance: WORKLOAD_NOT_FOUND,
      },
    },
    {
      name: "cpi",
      value: 10,
      type: "gauge",
      labels: {
        host: "node101",
        env: "prod",
        threshold: "high",
        uuid,
        type: "anomaly",
        contended_task_id: "task1",
      },
    },
  ]);
});

Deno.test("anomalyMetrics: the anomaly's labels win over task labels; given workload instance wins; repeats collapse", () => {
  const tasks = tasksDataOf({ task1: { labels: { type: "batch", uuid: "mine" } }, task2: {} });
  const metrics = anomalyMetrics(
    [{
      ...base,
      contending_task_ids: ["task2", "task2"],
      contending_workload_instance: "given",
    }],
    tasks,
  );
  assert.equal(metrics.length, 1);
  assert.equal(metrics[0]!.labels.type, "contention");
  assert.equal(metrics[0]!.labels.uuid, anomalyUuid({ ...base, contending_task_ids: ["task2"] }));
  assert.equal(metrics[0]!.labels.contending_workload_instance, "given");
});

Deno.test("anomalyMetrics: a contended task not in this iteration still gets its anomaly, without task labels", () => {
  const metrics = anomalyMetrics([base], new Map(), { host: "h" });
  assert.equal(metrics.length, 2);
  assert.equal(metrics[0]!.labels.host, "h");
  assert.equal(metrics[0]!.labels.task_name, undefined);
  assert.deepEqual(anomalyMetrics([], new Map()), []);
});

Deno.test("anomalyMetrics: output encodes as valid Prometheus text (no duplicate series)", () => {
  const tasks = tasksDataOf({ task1: {}, task2: {}, task3: {} });
  const anomalies: ContentionAnomaly[] = [
    base,
    { ...base, resource: ContendedResource.MEMORY_BW },
    { ...base, contended_task_id: "task2", contending_task_ids: ["task1"] },
  ];
  const text = encodeMetrics(anomalyMetrics(anomalies, tasks, { host: "h" }), { timestamps: false });
  assert.equal(text.match(/^anomaly\{/gm)?.length, 5);
  assert.match(text, /# TYPE anomaly counter/);
});

Deno.test("nextAnomalyStatistics: counts anomalies, not series; last occurrence in seconds, absent until one", () => {
  const start = { count: 0, lastOccurrence: undefined };
  const quiet = nextAnomalyStatistics(start, [], 1_000_000);
  assert.deepEqual(quiet.metrics, [{ name: "anomaly_count", value: 0, type: "counter", labels: {} }]);
  const first = nextAnomalyStatistics(quiet.state, [base, base], 2_000_500, { host: "h" });
  assert.deepEqual(first.metrics, [
    { name: "anomaly_count", value: 2, type: "counter", labels: { host: "h" } },
    { name: "anomaly_last_occurrence", value: 2000.5, type: "counter", labels: { host: "h" } },
  ]);
  const later = nextAnomalyStatistics(first.state, [], 3_000_000);
  assert.equal(later.metrics[0]!.value, 2);
  assert.equal(later.metrics[1]!.value, 2000.5, "a quiet iteration keeps the last occurrence");
});

Deno.test("AnomalyStatistics: keeps the count across iterations", () => {
  const statistics = new AnomalyStatistics();
  statistics.update([base], 1000);
  statistics.update([], 2000);
  const metrics = statistics.update([base, base, base], 3000);
  assert.deepEqual(metrics.map((m) => [m.name, m.value]), [["anomaly_count", 4], [
    "anomaly_last_occurrence",
    3,
  ]]);
});
