/**
 * Configs shaped like the original agent's documented examples load in wca (tests/fixtures/configs/wca/):
 * relative output paths, WCA 2.x parameter names, !AllocationConfiguration, WCA 1.0 event names and YAML
 * merge keys. Each is built twice: with the real components, and with recorders that share the real
 * schemas so the test can read the validated parameters.
 */
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { AllocationConfiguration } from "../../src/allocations/configuration.ts";
import { type ComponentClass, Registry } from "../../src/components/mod.ts";
import { BUILTIN_COMPONENTS } from "../../src/builtins.ts";
import { buildRunner, parseConfigText } from "../../src/config/mod.ts";
import { unsupportedSettings } from "../../src/runners/measurement/schema.ts";
import { wssSettings } from "../../src/sources/wss.ts";
import type { MeasurementRunnerParams } from "../../src/runners/measurement/schema.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures/configs/wca/", import.meta.url));

/** Records its validated parameters; has every contract method so it fits wherever the real one does. */
interface Recorder {
  readonly tag: string;
  readonly params: Record<string, unknown>;
}

function recorderOf(tag: string, real: ComponentClass): ComponentClass {
  return class implements Recorder {
    static readonly schema = real.schema;
    static readonly scalarParam = real.scalarParam;
    readonly tag = tag;
    readonly params: Record<string, unknown>;
    constructor(params: Record<string, unknown>) {
      this.params = params;
    }
    run() {}
    store() {}
    getTasks() {
      return [];
    }
    generate() {
      return undefined;
    }
  };
}

function recordingRegistry(): Registry {
  const classes: Record<string, ComponentClass> = {};
  for (const [tag, cls] of Object.entries(BUILTIN_COMPONENTS)) {
    classes[tag] = cls === AllocationConfiguration ? cls : recorderOf(tag, cls);
  }
  return new Registry(classes);
}

function load(name: string, components = recordingRegistry()) {
  const file = `${FIXTURES}${name}`;
  return buildRunner(parseConfigText(file, Deno.readTextFileSync(file)), { components });
}

function runnerParams(name: string): MeasurementRunnerParams {
  const runner = load(name) as unknown as Recorder;
  assert.equal(runner.tag, "MeasurementRunner");
  return runner.params as MeasurementRunnerParams;
}

function storageParams(value: unknown): Record<string, unknown> {
  const recorder = value as Recorder;
  assert.equal(recorder.tag, "LogStorage");
  return recorder.params;
}

Deno.test("every WCA-shaped fixture builds with the real components", () => {
  const names = [...Deno.readDirSync(FIXTURES)].map((e) => e.name).filter((n) => n.endsWith(".yaml")).sort();
  assert.deepEqual(names, [
    "allocation_configuration.yaml",
    "anchors_holder.yaml",
    "merge_keys.yaml",
    "relative_output.yaml",
    "wca10_event_names.yaml",
    "wss_1x.yaml",
    "wss_2x.yaml",
  ]);
  for (const name of names) {
    const runner = load(name, new Registry(BUILTIN_COMPONENTS));
    assert.equal(typeof runner.run, "function", name);
  }
});

Deno.test("a relative output_filename is resolved against the working directory, as WCA does", () => {
  const params = runnerParams("relative_output.yaml");
  const storage = storageParams(params.metrics_storage);
  assert.equal(storage.output_filename, resolve(Deno.cwd(), "metrics.prom"));
  assert.equal(storage.overwrite, true);
});

Deno.test("WCA 2.x working-set-size names, and WCA 1.x's, load and set the working-set measurement", () => {
  const params = runnerParams("wss_2x.yaml");
  assert.equal(params.wss_reset_cycles, 10);
  assert.equal(params.wss_stable_cycles, -5);
  assert.equal(params.wss_membw_threshold, 0.01);
  assert.deepEqual(unsupportedSettings(params), []);
  assert.deepEqual(wssSettings(params), { resetCycles: 10, stableCycles: -5, membwThreshold: 0.01 });
  const older = runnerParams("wss_1x.yaml");
  assert.deepEqual(unsupportedSettings(older), []);
  assert.deepEqual(wssSettings(older), { resetCycles: 5, stableCycles: 30, membwThreshold: 0.01 });
});

Deno.test("allocation_configuration takes !AllocationConfiguration with WCA's parameters", () => {
  const params = runnerParams("allocation_configuration.yaml");
  const settings = params.allocation_configuration;
  assert.ok(settings instanceof AllocationConfiguration);
  assert.deepEqual({ ...settings }, {
    cpu_quota_period: 100000,
    cpu_shares_unit: 10000,
    default_rdt_l3: "L3:0=fffff;1=fffff",
    default_rdt_mb: "MB:0=100;1=100",
  });
  assert.deepEqual(unsupportedSettings(params), [], "AllocationRunner reads it; no warning");
});

Deno.test("WCA 1.0 event names count as their task_* events, each once", () => {
  const params = runnerParams("wca10_event_names.yaml");
  assert.deepEqual(params.event_names, [
    "task_instructions",
    "task_cycles",
    "task_cache_misses",
    "task_cache_references",
    "task_stalled_mem_loads",
  ]);
});

Deno.test("merge keys fill parameters of nodes, storages and plain mappings", () => {
  const params = runnerParams("merge_keys.yaml");
  const node = (params.node as unknown as Recorder).params;
  assert.deepEqual([node.tasks, node.directory], [["task1"], "/wca_tasks"]);
  const filter = params.metrics_storage as unknown as Recorder;
  assert.equal(filter.tag, "FilterStorage");
  const [first, second, third] = (filter.params.storages as unknown[]).map(storageParams);
  assert.deepEqual(first, {
    output_filename: "/tmp/wca_merge_keys_example.prom",
    overwrite: true,
    include_timestamp: false,
  });
  assert.deepEqual(second, {
    output_filename: resolve(Deno.cwd(), "merged.prom"),
    overwrite: true,
    include_timestamp: false,
  });
  assert.deepEqual(third, {
    output_filename: "/tmp/wca_merge_keys_example.prom",
    overwrite: false,
    include_timestamp: false,
    filter_labels: ["task_id"],
  });
  assert.deepEqual(params.extra_labels, { owner: "wca", site: "lab", rack: "r1", env: "test" });
});

Deno.test("a top-level key that only holds anchors is allowed, as in WCA; one without anchors is still a mistake", () => {
  const params = runnerParams("anchors_holder.yaml");
  assert.equal(params.interval, 2);
  assert.deepEqual(params.extra_labels, { site: "lab" });
  assert.throws(
    () =>
      parseConfigText(
        "x.yaml",
        "storage: !LogStorage\nrunner: !MeasurementRunner\n  node: !StaticNode {tasks: []}\n",
      ),
    (e: Error) =>
      /^x\.yaml:1:1: Unknown top-level key "storage"; allowed keys: runner, loggers$/.test(e.message),
  );
  assert.throws(
    () =>
      parseConfigText(
        "x.yaml",
        "runer: &r {}\nrunner: !MeasurementRunner\n  node: !StaticNode {tasks: []}\n",
      ),
    (e: Error) => /did you mean 'runner'\?/.test(e.message),
    "a near-typo of runner is a mistake even with an anchor",
  );
});
