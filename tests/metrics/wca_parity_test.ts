/**
 * The WCA comparison behind docs/metrics.md: WCA's list (tests/fixtures/wca/metrics_rst.tsv, from WCA's
 * docs/metrics.rst) against src/metrics/wca_parity.ts and the catalog. Every family is classified, and
 * every type that differs from WCA's is a listed difference with its reason.
 */
import assert from "node:assert/strict";
import { catalogNames, lookupMetric } from "../../src/metrics/catalog.ts";
import { parityOf, WCA_DIFFERENCES, WCA_FAMILIES, WCA_OWN } from "../../src/metrics/wca_parity.ts";

const FIXTURE = new URL("../fixtures/wca/metrics_rst.tsv", import.meta.url);

function wcaList(): { name: string; type: string; labels: string }[] {
  const [header, ...rows] = Deno.readTextFileSync(FIXTURE).trim().split("\n");
  assert.equal(header, "name\ttype\tlabels");
  return rows.map((row) => {
    const [name, type, labels] = row.split("\t");
    return { name: name!, type: type!, labels: labels ?? "" };
  });
}

Deno.test("WCA_FAMILIES holds every metric of WCA's docs/metrics.rst with WCA's type", () => {
  const rows = wcaList();
  assert.equal(rows.length, 83);
  for (const { name, type } of rows) assert.equal(WCA_FAMILIES[name], type, name);
});

Deno.test("every catalog family is WCA's unchanged, WCA's with a stated difference, or wca's own with a reason", () => {
  for (const name of catalogNames()) {
    const ours = lookupMetric(name)!.type;
    const wcaType = WCA_FAMILIES[name];
    if (wcaType === undefined) {
      assert.ok(WCA_OWN[name], `${name} is not WCA's: add it to WCA_OWN with the reason it exists`);
      continue;
    }
    assert.ok(!Object.hasOwn(WCA_OWN, name), `${name} is WCA's, not wca's own`);
    if (ours !== wcaType) {
      assert.match(
        WCA_DIFFERENCES[name]?.what ?? "",
        new RegExp(`\\(WCA: ${wcaType}\\)`),
        `${name} is a ${ours} where WCA printed a ${wcaType}: a listed difference`,
      );
    }
  }
  for (const name of [...Object.keys(WCA_DIFFERENCES), ...Object.keys(WCA_OWN)]) {
    assert.ok(lookupMetric(name), `${name} is compared but not in the catalog`);
  }
  for (const name of Object.keys(WCA_DIFFERENCES)) assert.ok(WCA_FAMILIES[name], `${name} is not WCA's`);
});

Deno.test("the types that differ from WCA are the kernel's and Prometheus's meaning", () => {
  const types = Object.fromEntries(
    [
      "platform_vmstat",
      "platform_node_vmstat",
      "platform_vmstat_current",
      "platform_node_vmstat_current",
      "task_up",
      "platform_upi_bandwidth_bytes_per_second",
      "platform_rpq_occupancy",
      "platform_rpq_inserts",
    ].map((name) => [name, lookupMetric(name)?.type]),
  );
  assert.deepEqual(types, {
    platform_vmstat: "counter",
    platform_node_vmstat: "counter",
    platform_vmstat_current: "gauge",
    platform_node_vmstat_current: "gauge",
    task_up: "gauge",
    platform_upi_bandwidth_bytes_per_second: "gauge",
    platform_rpq_occupancy: "counter",
    platform_rpq_inserts: "counter",
  });
  assert.equal(parityOf("task_cpu_usage_seconds"), "unchanged");
  assert.equal(parityOf("task_context_switches"), "own");
});
