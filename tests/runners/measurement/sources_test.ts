/** MeasurementRunner drives its measurement sources: sync each iteration, metrics merged, closed once. */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { Storage, Task } from "../../../src/components/interfaces.ts";
import type { Labels, Metric } from "../../../src/metrics/metric.ts";
import { StaticNode } from "../../../src/nodes/static_node.ts";
import { hostPathsUnder } from "../../../src/platform/host_paths.ts";
import { MeasurementRunner } from "../../../src/runners/measurement/runner.ts";
import {
  type MeasurementSource,
  type MeasurementSourceFactory,
  StartupError,
} from "../../../src/sources/contract.ts";

const HOST = fileURLToPath(new URL("../../fixtures/hosts/v2_unified", import.meta.url));

class Discard implements Storage {
  closed = 0;
  store() {}
  close() {
    this.closed++;
  }
}

class Recording implements MeasurementSource {
  readonly name = "recording";
  synced: string[][] = [];
  closed = 0;
  sync(tasks: readonly Task[]) {
    this.synced.push(tasks.map((t) => t.task_id));
  }
  taskMetrics(task: Task, labels: Labels): Metric[] {
    if (task.task_id === "fails") throw new Error("boom");
    return [{ name: "task_cycles", value: 42, labels }];
  }
  platformMetrics(labels: Labels): Metric[] {
    return [{ name: "platform_cas_count_reads", value: 7, labels }];
  }
  close() {
    this.closed++;
  }
}

function runnerWith(factories: MeasurementSourceFactory<unknown>[]) {
  const context = { hostPaths: hostPathsUnder(HOST) };
  const storage = new Discard();
  const node = new StaticNode(StaticNode.schema.parse({ tasks: ["task1", "gone"] }), context);
  const params = MeasurementRunner.schema.parse({ node, metrics_storage: storage, interval: 0.01 });
  return { runner: new MeasurementRunner(params, context, factories), storage };
}

Deno.test("a source is synced with the tasks, its metrics carry the task's labels, and it is closed", async () => {
  const source = new Recording();
  const { runner, storage } = runnerWith([() => source]);
  const facts = await runner.start();
  const metrics = await runner.iterate(facts, { host: "h" });
  assert.deepEqual(source.synced, [["task1"]]);
  const cycles = metrics.filter((m) => m.name === "task_cycles");
  assert.equal(cycles.length, 1);
  const up = metrics.find((m) => m.name === "task_up")!;
  assert.equal(cycles[0]!.labels, up.labels, "the task's frozen labels are shared, not copied");
  const cas = metrics.find((m) => m.name === "platform_cas_count_reads")!;
  assert.deepEqual(cas.labels, { host: "h" });
  assert.ok(metrics.some((m) => m.name === "wca_duration_seconds" && m.labels.function === "recording"));
  await runner.close();
  assert.equal(source.closed, 1);
  assert.equal(storage.closed, 1);
});

Deno.test("a source factory's StartupError stops run() with exit 1 and closes what started", async () => {
  const first = new Recording();
  const { runner, storage } = runnerWith([
    () => first,
    () => {
      throw new StartupError("rdt_enabled is true but resctrl is not mounted");
    },
  ]);
  const code = await runner.run(new AbortController().signal);
  assert.equal(code, 1);
  assert.equal(first.closed, 1);
  assert.equal(storage.closed, 1);
});

Deno.test("a source that throws for one task costs that task only those metrics", async () => {
  const source = new Recording();
  const context = { hostPaths: hostPathsUnder(HOST) };
  const node = {
    getTasks: () =>
      ["task1", "fails"].map((id) => ({
        name: id,
        task_id: id,
        cgroup_path: "/task1",
        subcgroups_paths: [],
        labels: {},
        resources: {},
      })),
  };
  const params = MeasurementRunner.schema.parse({ node, metrics_storage: new Discard() });
  const runner = new MeasurementRunner(params, context, [() => source]);
  const metrics = await runner.iterate(await runner.start(), { host: "h" });
  assert.equal(metrics.filter((m) => m.name === "task_up").length, 2);
  assert.deepEqual(metrics.filter((m) => m.name === "task_cycles").map((m) => m.labels.task_id), ["task1"]);
  await runner.close();
});
