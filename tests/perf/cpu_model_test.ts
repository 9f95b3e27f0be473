import assert from "node:assert/strict";
import { cpuCodename, cpuIdentity, describeCpu } from "../../src/perf/cpu_model.ts";

Deno.test("cpuCodename: model 0x55 splits by stepping; others by model; non-Intel is unknown", () => {
  const intel = (model: number, stepping = 0) =>
    cpuCodename({ vendor: "GenuineIntel", family: 6, model, stepping });
  assert.equal(intel(0x55, 4), "skylake");
  assert.equal(intel(0x55, 7), "cascade_lake");
  assert.equal(intel(0x55, 11), "cooper_lake");
  assert.equal(intel(0x4F), "broadwell");
  assert.equal(intel(0x6A), "ice_lake");
  assert.equal(intel(0xCF), "emerald_rapids");
  assert.equal(intel(0x01), "unknown");
  assert.equal(cpuCodename({ vendor: "AuthenticAMD", family: 25, model: 1, stepping: 1 }), "unknown");
  assert.equal(cpuCodename({ vendor: "GenuineIntel", family: 15, model: 0x55, stepping: 4 }), "unknown");
});

Deno.test("cpuIdentity reads cpuinfo fields; describeCpu names them", () => {
  const cpu = cpuIdentity({ vendor_id: "GenuineIntel", "cpu family": "6", model: "85", stepping: "7" });
  assert.deepEqual(cpu, { vendor: "GenuineIntel", family: 6, model: 85, stepping: 7 });
  assert.equal(describeCpu(cpu), "GenuineIntel family 6 model 0x55 (cascade_lake)");
  assert.deepEqual(cpuIdentity(undefined), {
    vendor: "unknown",
    family: undefined,
    model: undefined,
    stepping: undefined,
  });
});
