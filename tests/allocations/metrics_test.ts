import assert from "node:assert/strict";
import {
  allocationMetrics,
  allocationStatisticsMetrics,
  countAllocations,
} from "../../src/allocations/metrics.ts";
import { lookupMetric } from "../../src/metrics/catalog.ts";

const LABELS = { task_id: "t1", host: "h" };

Deno.test("allocationMetrics: WCA's names, allocation_type, task labels; RDT per domain with group_name", () => {
  const metrics = allocationMetrics({
    cpu_quota: 0.5,
    cpu_shares: 2,
    cpuset_cpus: "0-2,5",
    cpuset_mems: "0",
    cpuset_memory_migrate: true,
    migrate_pages: 1,
    rdt: { name: "be", l3: "L3CODE:0=f;1=ff0\nL3DATA:0=f;1=ff0", mb: "MB:0=30;1=100" },
  }, LABELS);
  const shown = metrics.map((
    m,
  ) => [m.name, m.value, m.labels.allocation_type, m.labels.domain_id ?? "", m.labels.group_name ?? ""]);
  assert.deepEqual(shown, [
    ["allocation_cpu_quota", 0.5, "cpu_quota", "", ""],
    ["allocation_cpu_shares", 2, "cpu_shares", "", ""],
    ["allocation_cpuset_cpus_number_of_cpus", 4, "cpuset_cpus", "", ""],
    ["allocation_cpuset_mems_number_of_mems", 1, "cpuset_mems", "", ""],
    ["allocation_cpuset_memory_migrate", 1, "cpuset_memory_migrate", "", ""],
    ["allocation_migrate_pages", 1, "migrate_pages", "", ""],
    ["allocation_rdt_l3_cache_ways", 4, "rdt_l3_cache_ways", "0", "be"],
    ["allocation_rdt_l3_mask", 15, "rdt_l3_mask", "0", "be"],
    ["allocation_rdt_l3_cache_ways", 8, "rdt_l3_cache_ways", "1", "be"],
    ["allocation_rdt_l3_mask", 0xff0, "rdt_l3_mask", "1", "be"],
    ["allocation_rdt_mb", 30, "rdt_mb", "0", "be"],
    ["allocation_rdt_mb", 100, "rdt_mb", "1", "be"],
  ]);
  for (const m of metrics) {
    assert.equal(m.labels.task_id, "t1");
    assert.equal(lookupMetric(m.name)?.type, m.type, `${m.name} is in the catalog with its type`);
  }
  assert.deepEqual(allocationMetrics({}, LABELS), []);
});

Deno.test("allocationStatisticsMetrics: counters and the duration gauge", () => {
  const metrics = allocationStatisticsMetrics({ count: 7, errors: 1, durationSeconds: 0.02 }, { host: "h" });
  assert.deepEqual(metrics.map((m) => [m.name, m.value, m.type]), [
    ["allocations_count", 7, "counter"],
    ["allocations_errors", 1, "counter"],
    ["allocation_duration", 0.02, "gauge"],
  ]);
  for (const m of metrics) assert.equal(lookupMetric(m.name)?.type, m.type);
  assert.equal(allocationStatisticsMetrics({ count: 0, errors: 0 }, {}).length, 2);
  assert.equal(countAllocations([{ cpu_quota: 1, cpu_shares: 2 }, { rdt: {} }]), 3);
});
