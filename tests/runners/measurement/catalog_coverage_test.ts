/**
 * Every metric family the MeasurementRunner prints is in the catalog (and so in docs/metrics.md): run
 * the real measurement on every fixture host and on this machine and look each emitted name up.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { lookupMetric } from "../../../src/metrics/catalog.ts";
import type { Metric } from "../../../src/metrics/metric.ts";
import { StaticNode } from "../../../src/nodes/static_node.ts";
import { defaultHostPaths, type HostPaths, hostPathsUnder } from "../../../src/platform/host_paths.ts";
import { MeasurementRunner } from "../../../src/runners/measurement/runner.ts";

const HOSTS = fileURLToPath(new URL("../../fixtures/hosts/", import.meta.url));

async function measure(hostPaths: HostPaths, tasks: string[]): Promise<Metric[]> {
  const context = { hostPaths };
  const node = new StaticNode(
    StaticNode.schema.parse({ tasks, default_resources: { cpus: 1, mem: 1024 } }),
    context,
  );
  const runner = new MeasurementRunner(
    MeasurementRunner.schema.parse({ node, metrics_storage: { store() {} } }),
    context,
  );
  try {
    await runner.start();
    const facts = runner.hostFacts();
    await runner.iterate(facts, { host: "h" });
    return await runner.iterate(facts, { host: "h" });
  } finally {
    await runner.close();
  }
}

function uncatalogued(metrics: readonly Metric[]): string[] {
  return [...new Set(metrics.map((m) => m.name))].filter((name) => lookupMetric(name) === undefined).sort();
}

for (const scenario of ["v1_split", "v1_comounted", "v2_unified", "hybrid"]) {
  Deno.test(`${scenario}: every family the runner prints is catalogued`, async () => {
    const metrics = await measure(hostPathsUnder(`${HOSTS}${scenario}`), ["task1"]);
    assert.ok(metrics.some((m) => m.name === "task_cpu_usage_seconds"), "the task was measured");
    assert.ok(metrics.some((m) => m.name === "platform_vmstat"), "vmstat was read");
    assert.deepEqual(uncatalogued(metrics), []);
  });
}

Deno.test("this machine: every family the runner prints is catalogued", async () => {
  const metrics = await measure(defaultHostPaths(), []);
  const vmstatKeys = Deno.readTextFileSync(`${defaultHostPaths().proc}/vmstat`).trim().split("\n")
    .map((line) => line.split(" ")[0]!);
  const family = (name: string) => metrics.filter((m) => m.name === name).map((m) => m.labels.key);
  assert.equal(
    family("platform_vmstat").length + family("platform_vmstat_current").length,
    vmstatKeys.length,
    "one series per key",
  );
  // Event counts (a counter) apart from current amounts (a gauge), by the kernel's meaning.
  for (const key of ["pgfault", "numa_hit", "pgmigrate_success", "nr_dirtied"]) {
    if (vmstatKeys.includes(key)) assert.ok(family("platform_vmstat").includes(key), key);
  }
  for (const key of ["nr_free_pages", "nr_dirty", "workingset_nodes"]) {
    if (vmstatKeys.includes(key)) assert.ok(family("platform_vmstat_current").includes(key), key);
  }
  assert.equal(lookupMetric("platform_vmstat")?.type, "counter");
  assert.equal(lookupMetric("platform_vmstat_current")?.type, "gauge");
  assert.ok(metrics.some((m) => m.name === "platform_zoneinfo"), "zoneinfo was read");
  assert.deepEqual(uncatalogued(metrics), []);
});
