/** MeasurementRunner against the fixture hosts: every value it reports is known in advance. */
import assert from "node:assert/strict";
import { captureLogLines } from "../../helpers/log_capture.ts";
import { fileURLToPath } from "node:url";
import type { Storage } from "../../../src/components/interfaces.ts";
import type { Metric } from "../../../src/metrics/metric.ts";
import { StaticNode } from "../../../src/nodes/static_node.ts";
import { hostPathsUnder } from "../../../src/platform/host_paths.ts";
import { MeasurementRunner } from "../../../src/runners/measurement/runner.ts";
import { MEASUREMENT_SOURCES } from "../../../src/builtins.ts";

const HOSTS = fileURLToPath(new URL("../../fixtures/hosts/", import.meta.url));

class Collect implements Storage {
  batches: Metric[][] = [];
  closed = 0;
  store(metrics: readonly Metric[]) {
    this.batches.push([...metrics]);
  }
  close() {
    this.closed++;
  }
}

function runnerOn(scenario: string, extra: Record<string, unknown> = {}) {
  const context = { hostPaths: hostPathsUnder(`${HOSTS}${scenario}`) };
  const storage = new Collect();
  const node = new StaticNode(StaticNode.schema.parse({ tasks: ["task1", "gone"] }), context);
  const runner = new MeasurementRunner(
    MeasurementRunner.schema.parse({ node, metrics_storage: storage, ...extra }),
    context,
  );
  return { runner, storage };
}

function find(metrics: readonly Metric[], name: string, labels: Record<string, string> = {}): Metric[] {
  return metrics.filter((m) =>
    m.name === name && Object.entries(labels).every(([k, v]) => m.labels[k] === v)
  );
}

function value(metrics: readonly Metric[], name: string, labels: Record<string, string> = {}): number {
  const found = find(metrics, name, labels);
  assert.equal(found.length, 1, `exactly one ${name} ${JSON.stringify(labels)}; got ${found.length}`);
  return found[0]!.value;
}

Deno.test("v2 host: task metrics from cpu.stat, memory.*, and pressure; labels as WCA's", async () => {
  const { runner } = runnerOn("v2_unified", { extra_labels: { own_ip: "10.0.0.1" } });
  const metrics = await runner.iterate(runner.hostFacts(), { host: "h", own_ip: "10.0.0.1" });
  const task = { task_id: "task1", task_name: "task1", application: "task1", application_version_name: "" };
  assert.equal(value(metrics, "task_cpu_usage_seconds", task), 913.374521);
  assert.equal(value(metrics, "task_mem_usage_bytes", task), 2283032576);
  assert.equal(value(metrics, "task_mem_limit_bytes", task), Infinity);
  assert.equal(value(metrics, "task_mem_soft_limit_bytes", task), 1073741824);
  assert.equal(value(metrics, "task_mem_max_usage_bytes", task), 2684354560);
  assert.equal(value(metrics, "task_cpu_pressure_some_seconds", task), 81.234567);
  assert.equal(value(metrics, "task_cpu_pressure_full_seconds", task), 9.123456);
  assert.equal(value(metrics, "task_up", task), 1);
  const taskLabels = find(metrics, "task_up")[0]!.labels;
  assert.deepEqual(Object.keys(taskLabels).sort(), [
    "application",
    "application_version_name",
    "host",
    "own_ip",
    "task_id",
    "task_name",
  ]);
  assert.equal(value(metrics, "wca_tasks", { host: "h" }), 1, "the missing task is not counted");
});

for (const scenario of ["v1_split", "v1_comounted", "v2_unified", "hybrid"]) {
  Deno.test(`${scenario} host: platform metrics, topology and internal metrics are all present`, async () => {
    const { runner, storage } = runnerOn(scenario);
    const metrics = await runner.iterate(runner.hostFacts(), { host: "h" });
    assert.deepEqual(storage.batches, [metrics], "the batch returned is the batch stored");
    for (
      const name of [
        "platform_cpu_usage",
        "platform_mem_usage_bytes",
        "platform_mem_numa_free_bytes",
        "platform_mem_numa_used_bytes",
        "platform_topology_cores",
        "platform_topology_cpus",
        "platform_topology_sockets",
        "platform_zoneinfo",
        "platform_last_seen",
        "task_cpu_usage_seconds",
        "task_mem_usage_bytes",
        "wca_up",
        "wca_tasks",
        "wca_mem_usage_bytes",
        "wca_information",
        "wca_duration_seconds",
      ]
    ) assert.ok(find(metrics, name).length > 0, `${scenario}: ${name} missing`);
    assert.equal(find(metrics, "platform_vmstat", { key: "pgfault" }).length, 1, "vmstat keys, WCA's form");
    assert.equal(find(metrics, "platform_vmstat_pgfaults").length, 1, "WCA's always-on vmstat counter");
    const cpus = value(metrics, "platform_topology_cpus");
    assert.equal(find(metrics, "platform_cpu_usage").length, cpus, "one platform_cpu_usage per online CPU");
  });
}

Deno.test("vmstat and zoneinfo filters: false drops them, a regex keeps keys it matches at their start", async () => {
  const { runner } = runnerOn("v1_split", { vmstat: "pgfault", zoneinfo: false });
  const metrics = await runner.iterate(runner.hostFacts(), { host: "h" });
  const keys = new Set(find(metrics, "platform_vmstat").map((m) => m.labels.key));
  assert.deepEqual([...keys].sort(), ["pgfault"], "re.match: pgfault, not pgmajfault");
  assert.ok(find(metrics, "platform_node_vmstat").every((m) => m.labels.key === "pgfault"));
  assert.equal(find(metrics, "platform_zoneinfo").length, 0);
  assert.equal(find(metrics, "platform_vmstat_pgfaults").length, 1, "always on, whatever vmstat says");
});

Deno.test("task_requested_cpus and task_requested_mem_bytes come from StaticNode default_resources", async () => {
  const context = { hostPaths: hostPathsUnder(`${HOSTS}v2_unified`) };
  const storage = new Collect();
  const measure = async (resources: Record<string, unknown>) => {
    const node = new StaticNode(
      StaticNode.schema.parse({ tasks: ["task1"], default_resources: resources }),
      context,
    );
    const runner = new MeasurementRunner(
      MeasurementRunner.schema.parse({ node, metrics_storage: storage }),
      context,
    );
    return await runner.iterate(runner.hostFacts(), { host: "h" });
  };
  const both = await measure({ cpus: 2.5, mem: "1073741824", disk: 10 });
  assert.equal(value(both, "task_requested_cpus", { task_id: "task1" }), 2.5);
  assert.equal(value(both, "task_requested_mem_bytes", { task_id: "task1" }), 1073741824);
  const none = await measure({ cpus: "lots" });
  assert.equal(find(none, "task_requested_cpus").length, 0, "not a number: no metric");
  assert.equal(find(none, "task_requested_mem_bytes").length, 0, "absent: no metric");
});

Deno.test("wca_duration_seconds_avg is the mean of each step over the iterations so far", async () => {
  const { runner } = runnerOn("v1_split");
  const facts = runner.hostFacts();
  const seen: number[] = [];
  let last: Metric[] = [];
  for (let i = 0; i < 3; i++) {
    last = await runner.iterate(facts, { host: "h" });
    seen.push(value(last, "wca_duration_seconds", { function: "platform" }));
  }
  const mean = seen.reduce((a, b) => a + b, 0) / seen.length;
  assert.ok(Math.abs(value(last, "wca_duration_seconds_avg", { function: "platform" }) - mean) < 1e-12);
  assert.equal(
    find(last, "wca_duration_seconds_avg").length,
    find(last, "wca_duration_seconds").length,
    "one average per step",
  );
});

Deno.test("a failing node or storage is logged; the iteration still measures and the loop goes on", async () => {
  const context = { hostPaths: hostPathsUnder(`${HOSTS}v1_split`) };
  let calls = 0;
  const node = {
    getTasks(): never {
      throw new Error("kubelet unreachable");
    },
  };
  // Stops itself after three failed stores, so a loaded machine only makes the test slower.
  const controller = new AbortController();
  const storage = {
    store() {
      if (++calls === 3) controller.abort();
      throw new Error("disk full");
    },
  };
  const runner = new MeasurementRunner(
    MeasurementRunner.schema.parse({ node, metrics_storage: storage, interval: 0.01 }),
    context,
  );
  const safety = setTimeout(() => controller.abort(), 30_000);
  assert.equal(await runner.run(controller.signal), 0);
  clearTimeout(safety);
  assert.equal(calls, 3, `the loop kept going after failures (${calls} iterations)`);
});

Deno.test("run() stops on abort and closes the storage once", async () => {
  const { runner, storage } = runnerOn("v1_split", { interval: 0.02 });
  const controller = new AbortController();
  const watch = setInterval(() => {
    if (storage.batches.length >= 2) controller.abort();
  }, 5);
  const safety = setTimeout(() => controller.abort(), 30_000);
  assert.equal(await runner.run(controller.signal), 0);
  clearInterval(watch);
  clearTimeout(safety);
  const stopped = storage.batches.length;
  assert.ok(stopped >= 2, `${stopped} iterations before the abort`);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(storage.batches.length, stopped, "no iteration after run() returned");
  assert.equal(storage.closed, 1);
});

Deno.test("rdt_enabled: true on a host without resctrl stops start() with the reason; WCA-only parameters are accepted", async () => {
  const context = { hostPaths: hostPathsUnder(`${HOSTS}v1_split`) };
  const node = new StaticNode(StaticNode.schema.parse({ tasks: [] }), context);
  const required = new MeasurementRunner(
    MeasurementRunner.schema.parse({ node, rdt_enabled: true }),
    context,
    MEASUREMENT_SOURCES,
  );
  await assert.rejects(
    () => required.start(),
    /rdt_enabled is true but resctrl is not mounted at .*v1_split\/sys\/fs\/resctrl/,
  );
  await required.close();
  const parsed = MeasurementRunner.schema.parse({
    node,
    event_names: ["task_instructions"],
    perf_aggregate_cpus: false,
    enable_derived_metrics: true,
    include_optional_labels: true,
    wss_reset_cycles: 10,
    zoneinfo: String.raw`\s+(nr_free_pages)\s+(\d+)`,
  });
  const { lines } = await captureLogLines(() => Promise.resolve(new MeasurementRunner(parsed, context)));
  const notes = lines.filter((line) => line.includes("not supported by this version yet"));
  assert.equal(notes.length, 1, "one warning names every unsupported setting");
  assert.match(
    notes[0]!,
    /\[wca\.runners\.measurement\] not supported by this version yet, so ignored: include_optional_labels$/,
  );
  assert.equal(MeasurementRunner.schema.safeParse({ node, interval: 0 }).success, false);
  assert.equal(MeasurementRunner.schema.safeParse({ node, vmstat: "(" }).success, false);
  assert.equal(MeasurementRunner.schema.safeParse({ node, zoneinfo: "^nr_free_pages$" }).success, false);
});

Deno.test("an unreadable platform file costs only its own metrics", async () => {
  const root = await Deno.makeTempDir();
  try {
    const copy = await new Deno.Command("cp", { args: ["-r", `${HOSTS}v1_split/.`, root] }).output();
    assert.equal(copy.code, 0);
    await Deno.remove(`${root}/proc/zoneinfo`);
    const context = { hostPaths: hostPathsUnder(root) };
    const storage = new Collect();
    const node = new StaticNode(StaticNode.schema.parse({ tasks: ["task1"] }), context);
    const runner = new MeasurementRunner(
      MeasurementRunner.schema.parse({ node, metrics_storage: storage }),
      context,
    );
    const metrics = await runner.iterate(runner.hostFacts(), { host: "h" });
    assert.equal(find(metrics, "platform_zoneinfo").length, 0);
    assert.ok(find(metrics, "platform_mem_usage_bytes").length === 1);
    assert.ok(find(metrics, "task_cpu_usage_seconds").length === 1);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("platform samples keep their label objects from one iteration to the next (label text made once)", async () => {
  const { runner } = runnerOn("v1_split", { vmstat: true });
  const facts = runner.hostFacts();
  const labels = runner.commonLabels();
  const first = (await runner.measure(facts, labels)).platformSamples;
  const second = (await runner.measure(facts, labels)).platformSamples;
  const byKey = (metrics: readonly Metric[]) =>
    new Map(metrics.map((m) => [`${m.name}${JSON.stringify(m.labels)}`, m.labels]));
  const before = byKey(first);
  const names = new Set<string>();
  for (const [key, labels] of byKey(second)) {
    if (!key.startsWith("platform_")) continue;
    names.add(key.slice(0, key.indexOf("{")));
    assert.equal(labels, before.get(key), `${key}: a new labels object`);
    assert.ok(Object.isFrozen(labels), key);
  }
  for (const name of ["platform_cpu_usage", "platform_mem_usage_bytes", "platform_vmstat"]) {
    assert.ok(names.has(name), `${name} among the platform samples: ${[...names].join(", ")}`);
  }
  await runner.close();
});
