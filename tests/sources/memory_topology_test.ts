import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { Metric } from "../../src/metrics/metric.ts";
import { defaultHostPaths, hostPathsUnder } from "../../src/platform/host_paths.ts";
import { readMemoryDevices } from "../../src/platform/sysfs/mod.ts";
import { memoryTopologyMetrics, memoryTopologySourceFactory } from "../../src/sources/memory_topology.ts";
import type { HostFacts } from "../../src/sources/facts.ts";

const HOSTS = fileURLToPath(new URL("../fixtures/hosts/", import.meta.url));
const GiB = 1024 ** 3;
const labels = Object.freeze({ host: "h" });

function table(metrics: readonly Metric[]): Record<string, number> {
  return Object.fromEntries(
    metrics.map((m) => [m.labels.dimm_type ? `${m.name}{${m.labels.dimm_type}}` : m.name, m.value]),
  );
}

Deno.test("Cascade Lake with Optane: counts and sizes by dimm_type, RAM bandwidth, Memory Mode, capacity per NVDIMM", () => {
  const devices = readMemoryDevices(hostPathsUnder(`${HOSTS}smbios_clx_optane`))!;
  const skipped: string[] = [];
  assert.deepEqual(table(memoryTopologyMetrics(devices, labels, (m) => skipped.push(m))), {
    "platform_dimm_count{ram}": 6,
    "platform_dimm_total_size_bytes{ram}": 6 * 32 * GiB,
    "platform_dimm_count{persistent_memory}": 4,
    "platform_dimm_total_size_bytes{persistent_memory}": 4 * 126 * GiB,
    // 6 modules × 2666 MT/s × 8 bytes per transfer (configured speed, not the rated 2933).
    platform_dimm_speed_bytes_per_second: 6 * 2666e6 * 8,
    platform_mem_mode_size_bytes: 4 * 63 * GiB,
    platform_capacity_per_nvdimm_bytes: 126 * GiB,
  });
  assert.deepEqual(skipped, []);
});

Deno.test("QEMU guest: what the table does not say is left out, with a reason", () => {
  const devices = readMemoryDevices(hostPathsUnder(`${HOSTS}smbios_qemu_2_8`))!;
  const skipped: string[] = [];
  assert.deepEqual(table(memoryTopologyMetrics(devices, labels, (m) => skipped.push(m))), {
    "platform_dimm_count{ram}": 2,
    "platform_dimm_total_size_bytes{ram}": 16 * GiB,
    "platform_dimm_count{persistent_memory}": 0,
    "platform_dimm_total_size_bytes{persistent_memory}": 0,
    platform_mem_mode_size_bytes: 0,
  });
  assert.deepEqual(skipped, [
    "2 RAM module(s) without a known speed or data width: platform_dimm_speed_bytes_per_second is left out",
  ]);
});

Deno.test("the source starts only when asked and when the kernel shows memory devices", async () => {
  const facts = {} as HostFacts;
  const context = (root: string) => ({ hostPaths: hostPathsUnder(root) });
  assert.equal(
    await memoryTopologySourceFactory(
      { gather_hw_mm_topology: false },
      context(`${HOSTS}smbios_clx_optane`),
      facts,
    ),
    undefined,
  );
  const source = (await memoryTopologySourceFactory(
    { gather_hw_mm_topology: true },
    context(`${HOSTS}smbios_clx_optane`),
    facts,
  ))!;
  const first = source.platformMetrics(labels);
  assert.equal(first.length, 7);
  assert.equal(source.platformMetrics(labels), first, "read once, the same samples every iteration");
  // This host: started exactly when its kernel lists type 17 entries.
  const here = await memoryTopologySourceFactory({ gather_hw_mm_topology: true }, {
    hostPaths: defaultHostPaths(),
  }, facts);
  const devices = readMemoryDevices(defaultHostPaths());
  assert.equal(here !== undefined, devices !== undefined && devices.length > 0);
});
