import assert from "node:assert/strict";
import { foldMeasurements, rdtInformation } from "../../src/sources/snapshot.ts";
import { readResctrlInfo } from "../../src/platform/resctrl/mod.ts";
import { resctrlHost } from "../helpers/resctrl_model.ts";

Deno.test("foldMeasurements: plain samples are numbers; one or more extra labels key a map", () => {
  const base = { host: "h", task_id: "t" };
  const folded = foldMeasurements([
    { name: "task_cpu_usage_seconds", value: 1.5, labels: base },
    { name: "task_mem_numa_pages", value: 10, labels: { ...base, numa_node: "0" } },
    { name: "task_mem_numa_pages", value: 20, labels: { ...base, numa_node: "1" } },
    { name: "platform_zoneinfo", value: 7, labels: { ...base, numa_node: "0", zone: "DMA", key: "free" } },
  ], base);
  assert.equal(folded.get("task_cpu_usage_seconds"), 1.5);
  assert.deepEqual(folded.get("task_mem_numa_pages"), new Map([["0", 10], ["1", 20]]));
  assert.deepEqual(folded.get("platform_zoneinfo"), new Map([["0/DMA/free", 7]]));
  assert.equal(foldMeasurements([], base).size, 0);
});

Deno.test("rdtInformation: what an allocator needs of resctrl; nothing when it is not mounted", async () => {
  assert.equal(rdtInformation(undefined), undefined);
  for (const scenario of ["intel_2s_cdp", "intel_1s_mba_mbps", "amd_epyc_2s"] as const) {
    await using host = await resctrlHost(scenario);
    const info = readResctrlInfo(host.paths)!;
    const rdt = rdtInformation(info)!;
    assert.equal(rdt.monitoring, info.monitoring !== undefined, scenario);
    assert.equal(rdt.cacheAllocation, (info.l3 ?? info.l3data) !== undefined, scenario);
    if (rdt.cacheAllocation) assert.match(rdt.cbmMask!, /^[0-9a-f]+$/, scenario);
    assert.equal(rdt.memoryBandwidthAllocation, info.mb !== undefined, scenario);
    assert.equal(rdt.numClosids, info.closids, scenario);
  }
});
