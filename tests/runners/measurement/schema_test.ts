/** MeasurementRunner's parameters that exist for WCA compatibility: accepted, validated, reported. */
import assert from "node:assert/strict";
import { AllocationConfiguration } from "../../../src/allocations/configuration.ts";
import { measurementRunnerSchema, unsupportedSettings } from "../../../src/runners/measurement/schema.ts";

const node = { getTasks: () => [] };

Deno.test("WCA 2.x and 1.x working-set names and allocation_configuration are accepted; the one feature not in this version is listed", () => {
  const plain = measurementRunnerSchema.parse({ node });
  assert.equal(plain.wss_stable_cycles, 0);
  assert.deepEqual(unsupportedSettings(plain), []);
  const all = measurementRunnerSchema.parse({
    node,
    include_optional_labels: true,
    gather_hw_mm_topology: true,
    sched: true,
    wss_reset_cycles: 0,
    wss_reset_interval: 1,
    wss_stable_cycles: 3,
    wss_stable_duration: 2,
    wss_threshold_divider: 10,
    wss_membw_threshold: 0.5,
    allocation_configuration: new AllocationConfiguration({}),
  });
  assert.deepEqual(unsupportedSettings(all), ["include_optional_labels"]);
  assert.equal(all.sched, true);
  assert.equal(all.gather_hw_mm_topology, true);
  const off = measurementRunnerSchema.parse({
    node,
    include_optional_labels: false,
    gather_hw_mm_topology: false,
  });
  assert.deepEqual(unsupportedSettings(off), [], "false is what this version does anyway");
});

Deno.test("the compatibility parameters are validated", () => {
  const table: Array<[Record<string, unknown>, string]> = [
    [{ wss_stable_cycles: 1.5 }, "expected an integer"],
    [{ wss_stable_cycles: "5" }, "expected an integer"],
    [{ wss_reset_cycles: -1 }, "expected an integer >= 0"],
    [{ wss_membw_threshold: -0.1 }, "expected a number >= 0"],
    [
      { sched: "(" },
      "expected a regular expression (Invalid regular expression: /^(?:()/: Unterminated group)",
    ],
    [{ gather_hw_mm_topology: "yes" }, "expected true or false"],
    [{ allocation_configuration: { cpu_quota_period: 1000 } }, "expected !AllocationConfiguration"],
    [{ event_names: "instructions" }, "expected a list"],
  ];
  for (const [value, message] of table) {
    const result = measurementRunnerSchema.safeParse({ node, ...value });
    assert.equal(result.success, false, JSON.stringify(value));
    assert.deepEqual(result.error!.issues.map((i) => i.message), [message], JSON.stringify(value));
  }
});

Deno.test("event_names: WCA 1.0 names become task_* events before anything counts them", () => {
  const parsed = measurementRunnerSchema.parse({
    node,
    event_names: ["instructions", "cycles", "task_cycles"],
  });
  assert.deepEqual(parsed.event_names, ["task_instructions", "task_cycles"]);
});
