import assert from "node:assert/strict";
import { checkDetectionResult } from "../../src/detectors/check_result.ts";
import { NOPAnomalyDetector } from "../../src/detectors/nop.ts";
import { platformWith } from "../helpers/snapshots.ts";

Deno.test("NOPAnomalyDetector: a valid, empty result; takes no parameters", () => {
  assert.deepEqual(
    checkDetectionResult(new NOPAnomalyDetector().detect(platformWith([{ cpus: [0] }]), new Map())),
    { anomalies: [], metrics: [] },
  );
  assert.throws(() => NOPAnomalyDetector.schema.parse({ task_id: "x" }), /Unrecognized key/);
  assert.deepEqual(NOPAnomalyDetector.schema.parse({}), {});
});
