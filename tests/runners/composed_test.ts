/** The three shapes a deciding runner's measuring part comes in, and the mistakes around them. */
import assert from "node:assert/strict";
import { BUILTIN_COMPONENTS } from "../../src/builtins.ts";
import { Registry } from "../../src/components/mod.ts";
import { buildRunner, parseConfigText } from "../../src/config/mod.ts";
import type { AllocationRunner } from "../../src/runners/allocation/runner.ts";
import { runWca } from "../helpers/wca_process.ts";

function load(yaml: string) {
  return buildRunner(parseConfigText("shapes.yaml", yaml), { components: new Registry(BUILTIN_COMPONENTS) });
}

Deno.test("composed, flat and config shapes build one MeasurementRunner with the given interval", () => {
  const shapes = {
    composed:
      "runner: !AllocationRunner\n  measurement_runner: !MeasurementRunner\n    node: !StaticNode {tasks: []}\n" +
      "    interval: 2.5\n  allocator: !NOPAllocator\n",
    flat:
      "runner: !AllocationRunner\n  node: !StaticNode {tasks: []}\n  action_delay: 2.5\n  allocator: !NOPAllocator\n",
    config:
      "runner: !AllocationRunner\n  config: !AllocationRunnerConfig\n    node: !StaticNode {tasks: []}\n" +
      "    action_delay: 2.5\n  allocator: !NOPAllocator\n",
  };
  for (const [shape, yaml] of Object.entries(shapes)) {
    const runner = load(yaml) as unknown as AllocationRunner;
    assert.equal(runner.measurementRunner.interval, 2.5, shape);
  }
});

Deno.test("no measuring part, or two: refused at the runner with what to give", () => {
  const message = (pattern: RegExp) => (error: Error) => pattern.test(error.message);
  assert.throws(
    () => load("runner: !DetectionRunner\n  detector: !NOPAnomalyDetector\n"),
    message(
      /^shapes\.yaml:1:9: Missing field 'node' in !DetectionRunner: expected one of measurement_runner \(a !MeasurementRunner\), config \(a !MeasurementRunnerConfig\) or node/,
    ),
  );
  assert.throws(
    () =>
      load(
        "runner: !DetectionRunner\n  node: !StaticNode {tasks: []}\n  config: !MeasurementRunnerConfig\n" +
          "    node: !StaticNode {tasks: []}\n  detector: !NOPAnomalyDetector\n",
      ),
    message(
      /^shapes\.yaml:2:9: Invalid value !StaticNode for field 'node' in !DetectionRunner: expected only one of measurement_runner, config or node, got config and node/,
    ),
  );
});

Deno.test("a start that cannot work exits 1 with the reason (WCA exited 0): RDT control required, no resctrl", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const config = `${dir}/c.yaml`;
    await Deno.writeTextFile(
      config,
      "runner: !AllocationRunner\n  node: !StaticNode {tasks: []}\n  allocator: !NOPAllocator\n" +
        "  rdt_cache_control_required: true\n",
      { mode: 0o600 },
    );
    const run = await runWca(["-c", config, "--root", "--resctrl-root", `${dir}/no-resctrl`]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stderr,
      /RDT control is required \(rdt_cache_control_required\) but resctrl is not mounted at/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
