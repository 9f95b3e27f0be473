import assert from "node:assert/strict";
import { registerFrom, Registry } from "../../src/components/mod.ts";
import { buildRunner, parseConfigText } from "../../src/config/mod.ts";
import { anomalyMetrics, anomalyUuid } from "../../src/detectors/anomaly_metrics.ts";
import { checkDetectionResult } from "../../src/detectors/check_result.ts";
import { component, params, type z } from "../../src/config/schema.ts";
import { type AnomalyDetector, AnomalyDetectorInterface } from "../../src/components/interfaces.ts";
import { platformWith, tasksDataOf } from "../helpers/snapshots.ts";
import { ROOT } from "../helpers/wca_process.ts";

const holderSchema = params({ detector: component<AnomalyDetector>(AnomalyDetectorInterface) });

/** A runner that only holds its detector. */
class DetectorHolder {
  static readonly schema = holderSchema;
  readonly detector: AnomalyDetector;
  constructor(p: z.infer<typeof holderSchema>) {
    this.detector = p.detector;
  }
  run(): void {}
}

async function loadDetector(registration: string, yaml: string): Promise<AnomalyDetector> {
  const registry = new Registry({ DetectorHolder });
  assert.deepEqual(await registerFrom(registry, registration), ["ExampleDetector"]);
  const config = parseConfigText("example.yaml", `runner: !DetectorHolder\n  detector: ${yaml}\n`);
  return (buildRunner(config, { components: registry }) as unknown as DetectorHolder).detector;
}

Deno.test("ExampleDetector: loads with -r module:Class and with -r module (register), and reports the seeds' anomaly", async () => {
  for (
    const registration of [
      `${ROOT}examples/example_detector.ts:ExampleDetector`,
      `${ROOT}examples/example_detector.ts`,
    ]
  ) {
    const detector = await loadDetector(registration, "!ExampleDetector {task_id: some_task_id}");
    const tasks = tasksDataOf({ some_task_id: { labels: { app: "memcached" } }, task2: {}, task3: {} });
    const result = checkDetectionResult(await detector.detect(platformWith([{ cpus: [0, 1] }]), tasks));
    assert.deepEqual(result.metrics, [{ name: "some_debug", value: 2, labels: { version: "2" } }]);
    const metrics = anomalyMetrics(result.anomalies, tasks, { host: "node101" });
    const uuid = anomalyUuid({
      resource: "cpus",
      contended_task_id: "some_task_id",
      contending_task_ids: ["task2", "task3"],
    });
    assert.deepEqual(
      metrics.map((
        m,
      ) => [m.name, m.value, m.labels.uuid, m.labels.contending_task_id, m.labels.resource, m.labels.app]),
      [
        ["anomaly", 1, uuid, "task2", "cpus", "memcached"],
        ["anomaly", 1, uuid, "task3", "cpus", "memcached"],
        ["a_threshold", 66.6, uuid, undefined, undefined, undefined],
      ],
    );
  }
});

Deno.test("ExampleDetector: task_id defaults to task1; unknown fields are config errors", async () => {
  const detector = await loadDetector(`${ROOT}examples/example_detector.ts`, "!ExampleDetector {}");
  const result = await detector.detect(platformWith([{ cpus: [0] }]), new Map());
  assert.equal(result.anomalies[0]!.contended_task_id, "task1");
  await assert.rejects(
    () => loadDetector(`${ROOT}examples/example_detector.ts`, "!ExampleDetector {taskid: x}"),
    /Unknown field 'taskid' in !ExampleDetector; did you mean 'task_id'\?/,
  );
});
