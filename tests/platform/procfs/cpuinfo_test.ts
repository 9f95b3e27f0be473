import assert from "node:assert/strict";
import { parseCpuinfo, readCpuinfo } from "../../../src/platform/procfs/cpuinfo.ts";
import { PlatformParseError } from "../../../src/platform/parse.ts";
import { defaultHostPaths } from "../../../src/platform/host_paths.ts";
import { readOnlineCpus } from "../../../src/platform/sysfs/cpu_online.ts";
import { fixturePaths, SCENARIOS } from "../_helpers.ts";

const X86 = `processor\t: 0
vendor_id\t: GenuineIntel
cpu family\t: 6
model\t\t: 207
model name\t: Intel(R) Xeon(R) Processor
physical id\t: 0
core id\t\t: 0
flags\t\t: fpu vme de

processor\t: 1
vendor_id\t: GenuineIntel
model\t\t: 207
model name\t: Intel(R) Xeon(R) Processor
power management:

`;

const ARM64 = `processor\t: 0
BogoMIPS\t: 50.00
CPU implementer\t: 0x41
CPU part\t: 0xd0c

processor\t: 1
BogoMIPS\t: 50.00

Hardware\t: Example SoC
`;

Deno.test("parseCpuinfo: x86 blocks, model name and number", () => {
  const info = parseCpuinfo(X86);
  assert.deepEqual(info.processors.map((p) => p.processor), [0, 1]);
  assert.equal(info.modelName, "Intel(R) Xeon(R) Processor");
  assert.equal(info.model, 207);
  assert.equal(info.processors[0]!.fields["flags"], "fpu vme de");
  assert.equal(info.processors[1]!.fields["power management"], "");
});

Deno.test("parseCpuinfo: arm64 has no model name; machine-wide blocks are skipped", () => {
  const info = parseCpuinfo(ARM64);
  assert.deepEqual(info.processors.map((p) => p.processor), [0, 1]);
  assert.equal(info.modelName, undefined);
  assert.equal(info.model, undefined);
});

Deno.test("parseCpuinfo: empty and malformed input", () => {
  const empty = parseCpuinfo("");
  assert.deepEqual(empty.processors, []);
  assert.equal(empty.modelName, undefined);
  assert.throws(
    () => parseCpuinfo("processor\t: 0\nno colon here\n"),
    (e: unknown) => e instanceof PlatformParseError && e.message === `cpuinfo:2: expected "key : value"`,
  );
  assert.throws(() => parseCpuinfo("processor\t: zero\n"), /cpuinfo:1: expected an integer for processor/);
});

Deno.test("readCpuinfo on fixtures: one block per online CPU", () => {
  const models: Record<string, [string, number]> = {
    v1_split: ["Intel(R) Xeon(R) Processor", 207],
    v1_comounted: ["Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz", 85],
    v2_unified: ["AMD EPYC 7302 16-Core Processor", 49],
    hybrid: ["Intel(R) Xeon(R) E-2278G CPU @ 3.40GHz", 158],
  };
  for (const scenario of SCENARIOS) {
    const paths = fixturePaths(scenario);
    const info = readCpuinfo(paths);
    assert.deepEqual(info.processors.map((p) => p.processor), readOnlineCpus(paths), scenario);
    assert.deepEqual([info.modelName, info.model], models[scenario], scenario);
  }
});

Deno.test("real /proc/cpuinfo", () => {
  const paths = defaultHostPaths();
  const info = readCpuinfo(paths);
  assert.deepEqual(info.processors.map((p) => p.processor), readOnlineCpus(paths));
  if (Deno.build.arch === "x86_64") assert.ok(info.modelName && info.model !== undefined);
});
