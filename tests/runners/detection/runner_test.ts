/**
 * DetectionRunner on this machine's real cgroups, built from YAML in the composed shape: the detector
 * reads the typed snapshot, its anomalies become WCA's anomaly metrics in anomalies_storage while the
 * measurements go to metrics_storage; a detector that throws, answers wrongly or hangs costs only that
 * iteration's anomalies.
 */
import { captureLogLines } from "../../helpers/log_capture.ts";
import assert from "node:assert/strict";
import { BUILTIN_COMPONENTS } from "../../../src/builtins.ts";
import { ContendedResource, type DetectionResult } from "../../../src/components/decisions.ts";
import { Registry } from "../../../src/components/mod.ts";
import type { Platform, TasksData } from "../../../src/components/snapshot.ts";
import { buildRunner, parseConfigText } from "../../../src/config/mod.ts";
import type { DetectionRunner } from "../../../src/runners/detection/runner.ts";
import { MemoryStorage, select } from "../../helpers/memory_storage.ts";
import { withRealCgroups } from "../../helpers/real_cgroups.ts";

class ScriptedDetector {
  answer: (platform: Platform, tasks: TasksData) => unknown = () => ({ anomalies: [] });
  detect(platform: Platform, tasks: TasksData) {
    return this.answer(platform, tasks) as DetectionResult;
  }
}

function build(
  detector: ScriptedDetector,
  tasks: string[],
  metrics: MemoryStorage,
  anomalies: MemoryStorage,
) {
  const registry = new Registry(BUILTIN_COMPONENTS);
  const fixed = (instance: object) =>
    (function () {
      return instance;
    }) as unknown as never;
  registry.add("Scripted", fixed(detector), "test");
  registry.add("Metrics", fixed(metrics), "test");
  registry.add("Anomalies", fixed(anomalies), "test");
  const yaml = [
    "runner: !DetectionRunner",
    "  measurement_runner: !MeasurementRunner",
    "    node: !StaticNode",
    `      tasks: [${tasks.join(", ")}]`,
    "    metrics_storage: !Metrics",
    "    extra_labels: {own_ip: 10.0.0.1}",
    "  detector: !Scripted",
    "  anomalies_storage: !Anomalies",
    "  time_limit: 0.3",
    "",
  ].join("\n");
  return buildRunner(parseConfigText("detection.yaml", yaml), {
    components: registry,
  }) as unknown as DetectionRunner;
}

Deno.test("DetectionRunner: the detector reads the snapshot; anomalies are stored apart from measurements; failures cost one iteration", async () => {
  await withRealCgroups(["cpu", "cpuacct", "memory"], 2, async (groups) => {
    const [a, b] = groups.paths.map((p) => p.slice(1)) as [string, string];
    for (const path of groups.paths) groups.spawnIn(path);
    const metrics = new MemoryStorage();
    const anomalies = new MemoryStorage();
    const detector = new ScriptedDetector();
    const runner = build(detector, [a, b], metrics, anomalies);
    const facts = await runner.start();
    const labels = runner.measurementRunner.commonLabels();
    try {
      let seen: TasksData | undefined;
      detector.answer = (platform, tasks) => {
        seen = tasks;
        assert.equal(platform.cpus, facts.topology.cpus);
        return {
          anomalies: [{
            resource: ContendedResource.MEMORY_BW,
            contended_task_id: a,
            contending_task_ids: [b],
            metrics: [{ name: "bandwidth_threshold", value: 0.8, labels: {} }],
          }],
          metrics: [{ name: "detector_debug", value: 1, labels: {} }],
        };
      };
      await runner.iterate(facts, labels);
      assert.ok(typeof seen?.get(a)?.measurements.get("task_cpu_usage_seconds") === "number");
      assert.equal(seen?.get(b)?.labels.own_ip, "10.0.0.1");
      const stored = anomalies.batches.at(-1)!;
      const [anomaly] = select(stored, "anomaly");
      assert.deepEqual(
        [anomaly?.labels.contended_task_id, anomaly?.labels.contending_task_id, anomaly?.labels.resource],
        [a, b, "memory bandwidth"],
      );
      assert.equal(anomaly?.labels.task_id, a, "the contended task's labels");
      assert.equal(anomaly?.labels.host, labels.host);
      assert.match(anomaly!.labels.uuid!, /^[0-9a-f-]{36}$/);
      assert.equal(select(stored, "bandwidth_threshold", { uuid: anomaly!.labels.uuid! }).length, 1);
      assert.equal(select(stored, "detector_debug").length, 1);
      assert.equal(select(stored, "anomaly_count")[0]?.value, 1);
      assert.equal(
        select(metrics.batches.at(-1)!, "anomaly").length,
        0,
        "anomalies are not in metrics_storage",
      );
      assert.equal(select(metrics.batches.at(-1)!, "task_up").length, 2);

      const failures: Array<[string, DetectionRunnerAnswer]> = [
        ["throws", () => {
          throw new Error("detector bug");
        }],
        ["wrong shape", () => ({ anomalies: [{ resource: "CPU" }] })],
        ["hangs", () => new Promise(() => {})],
      ];
      for (const [what, answer] of failures) {
        detector.answer = answer;
        const before = metrics.batches.length;
        await runner.iterate(facts, labels);
        assert.equal(metrics.batches.length, before + 1, `${what}: measurements still stored`);
        const batch = anomalies.batches.at(-1)!;
        assert.equal(select(batch, "anomaly").length, 0, `${what}: no anomalies this iteration`);
        assert.equal(select(batch, "anomaly_count")[0]?.value, 1, `${what}: the count stays`);
      }

      // The same failure every iteration is logged once; the recovery once.
      detector.answer = () => {
        throw new Error("same bug");
      };
      const { lines } = await captureLogLines(async () => {
        for (let i = 0; i < 3; i++) await runner.iterate(facts, labels);
        detector.answer = () => ({ anomalies: [] });
        await runner.iterate(facts, labels);
        await runner.iterate(facts, labels);
      });
      assert.equal(lines.filter((line) => line.includes("same bug")).length, 1, lines.join("\n"));
      assert.equal(
        lines.filter((line) => /detect\(\) works again after [0-9.]+ s and 6 failed/.test(line)).length,
        1,
      );

      // A reply over reply_limit_per_task × tasks is refused whole; alternating with a timeout, each kind
      // is one line in the streak, not one per change.
      const flood = {
        anomalies: Array.from({ length: 21 }, () => ({
          resource: "cpus",
          contended_task_id: a,
          contending_task_ids: [b],
        })),
      };
      const alternating = await captureLogLines(async () => {
        for (let i = 0; i < 3; i++) {
          detector.answer = () => flood;
          await runner.iterate(facts, labels);
          detector.answer = () => new Promise(() => {});
          await runner.iterate(facts, labels);
        }
      });
      const errors = alternating.lines.filter((line) => line.includes(" ERROR "));
      assert.equal(errors.length, 2, alternating.lines.join("\n"));
      assert.match(
        errors[0]!,
        /ScriptedDetector\.detect\(\) returned 21 anomalies, more than the limit of 20 \(reply_limit_per_task 10 × 2 tasks\): the whole reply is refused; no anomalies this iteration/,
      );
      assert.match(errors[1]!, /ScriptedDetector\.detect\(\) did not answer within 0\.3 s/);
    } finally {
      await runner.close();
    }
  });
});

type DetectionRunnerAnswer = (platform: Platform, tasks: TasksData) => unknown;
