import assert from "node:assert/strict";
import { checkDetectionResult, PluginResultError, replyLimit } from "../../src/detectors/check_result.ts";

const anomaly = { resource: "cpus", contended_task_id: "t1", contending_task_ids: ["t2"] };

Deno.test("checkDetectionResult: accepts the contract's shape; fills missing metrics and labels", () => {
  assert.deepEqual(checkDetectionResult({ anomalies: [] }), { anomalies: [], metrics: [] });
  const result = checkDetectionResult({
    anomalies: [{ ...anomaly, type: "contention", metrics: [{ name: "a_threshold", value: 66.6 }] }],
    metrics: [{ name: "some_debug", value: 2, labels: { version: "2" }, type: "gauge" }],
  });
  assert.deepEqual(result.anomalies[0]!.metrics, [{ name: "a_threshold", value: 66.6, labels: {} }]);
  assert.equal(result.metrics!.length, 1);
});

/** Each wrong return and the exact message the runner logs for it. */
const WRONG: [string, unknown, string][] = [
  ["undefined", undefined, "detect() result: expected an object { anomalies, metrics }, got undefined"],
  [
    "WCA's tuple",
    [[], []],
    "detect() returned a list; expected an object { anomalies, metrics } (WCA's (anomalies, metrics) tuple is an object here)",
  ],
  ["no anomalies", { metrics: [] }, "detect() anomalies: expected a list of anomalies, got undefined"],
  [
    "anomaly not an object",
    { anomalies: [5] },
    "detect() anomalies[0]: expected an anomaly { resource, contended_task_id, contending_task_ids }, got 5",
  ],
  [
    "unknown resource",
    { anomalies: [{ ...anomaly, resource: "CPU" }] },
    'detect() anomalies[0].resource: expected one of "memory bandwidth", "cache", "cpus", "thermal design power", "unknown resource", got "CPU"',
  ],
  [
    "wrong type",
    { anomalies: [{ ...anomaly, type: "spike" }] },
    'detect() anomalies[0].type: expected "contention", got "spike"',
  ],
  [
    "empty contended id",
    { anomalies: [{ ...anomaly, contended_task_id: "" }] },
    'detect() anomalies[0].contended_task_id: expected a task id (a non-empty string), got ""',
  ],
  [
    "contending ids a string",
    { anomalies: [{ ...anomaly, contending_task_ids: "t2" }] },
    'detect() anomalies[0].contending_task_ids: expected a list of task ids, got "t2"',
  ],
  [
    "no contending ids",
    { anomalies: [{ ...anomaly, contending_task_ids: [] }] },
    "detect() anomalies[0].contending_task_ids: expected at least one task id, got a list of 0",
  ],
  [
    "contending id a number",
    { anomalies: [anomaly, { ...anomaly, contending_task_ids: ["t2", 3] }] },
    "detect() anomalies[1].contending_task_ids[1]: expected a task id (a non-empty string), got 3",
  ],
  [
    "workload instance a number",
    { anomalies: [{ ...anomaly, contending_workload_instance: 1 }] },
    "detect() anomalies[0].contending_workload_instance: expected a string, got 1",
  ],
  [
    "anomaly metric value a string",
    { anomalies: [{ ...anomaly, metrics: [{ name: "cpi", value: "10" }] }] },
    'detect() anomalies[0].metrics[0].value (cpi): expected a number, got "10"',
  ],
  [
    "metrics a Map",
    { anomalies: [], metrics: new Map() },
    "detect() metrics: expected a list of metrics, got a Map of 0",
  ],
  [
    "bad metric name",
    { anomalies: [], metrics: [{ name: "some-debug", value: 1 }] },
    'detect() metrics[0].name: expected a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*), got "some-debug"',
  ],
  [
    "label value a number (WCA's example had version=2)",
    { anomalies: [], metrics: [{ name: "some_debug", value: 2, labels: { version: 2 } }] },
    "detect() metrics[0].labels.version (some_debug): expected a string, got 2",
  ],
  [
    "bad label name",
    { anomalies: [], metrics: [{ name: "x", value: 2, labels: { "a-b": "1" } }] },
    'detect() metrics[0].labels (x): expected label names [a-zA-Z_][a-zA-Z0-9_]*, got "a-b"',
  ],
  [
    "bad metric type",
    { anomalies: [], metrics: [{ name: "x", value: 2, type: "histogram" }] },
    'detect() metrics[0].type (x): expected gauge or counter, got "histogram"',
  ],
];

for (const [what, value, message] of WRONG) {
  Deno.test(`checkDetectionResult: ${what}`, () => {
    assert.throws(() => checkDetectionResult(value), (error: unknown) => {
      assert.ok(error instanceof PluginResultError);
      assert.equal(error.message, message);
      return true;
    });
  });
}

Deno.test("checkDetectionResult: names the plugin; long values are cut", () => {
  assert.throws(
    () =>
      checkDetectionResult(
        { anomalies: [{ ...anomaly, resource: "x".repeat(200) }] },
        "ExampleDetector.detect()",
      ),
    /^PluginResultError: ExampleDetector\.detect\(\) anomalies\[0\]\.resource: .* got "x{76}\.\.\.$/,
  );
});

Deno.test("checkDetectionResult: anomalies over the limit are refused whole; several wrong ones are one line", () => {
  const limit = replyLimit(2, 1);
  assert.throws(
    () => checkDetectionResult({ anomalies: [anomaly, anomaly, anomaly] }, "D.detect()", limit),
    /^PluginResultError: D\.detect\(\) returned 3 anomalies, more than the limit of 2 \(reply_limit_per_task 2 × 1 task\): the whole reply is refused$/,
  );
  assert.equal(
    checkDetectionResult({ anomalies: [anomaly, anomaly] }, "D.detect()", limit).anomalies.length,
    2,
  );
  assert.throws(
    () =>
      checkDetectionResult(
        { anomalies: [5, { ...anomaly, resource: "CPU\r\n" }, 6, 7], metrics: [{ name: "a-b", value: 1 }] },
        "D.detect()",
      ),
    (error: unknown) => {
      assert.ok(error instanceof PluginResultError);
      assert.equal(
        error.message,
        "D.detect() reply: 5 problems: anomalies[0]: expected an anomaly { resource, contended_task_id, " +
          'contending_task_ids }, got 5; anomalies[1].resource: expected one of "memory bandwidth", "cache", ' +
          '"cpus", "thermal design power", "unknown resource", got "CPU\\r\\n"; anomalies[2]: expected an anomaly ' +
          "{ resource, contended_task_id, contending_task_ids }, got 6; and 2 more",
      );
      return true;
    },
  );
});
