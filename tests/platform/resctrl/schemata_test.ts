/** Schemata: parsing what the kernel prints, validating and normalising what allocators ask for. */
import assert from "node:assert/strict";
import { readResctrlInfo, type ResctrlInfo } from "../../../src/platform/resctrl/info.ts";
import {
  parseSchemata,
  parseSchemataLine,
  SchemataError,
  type SchemataRequest,
  validateSchemata,
} from "../../../src/platform/resctrl/schemata.ts";
import { resctrlHost, type ResctrlScenario } from "../../helpers/resctrl_model.ts";

async function infoOf(scenario: ResctrlScenario): Promise<ResctrlInfo> {
  await using host = await resctrlHost(scenario);
  return readResctrlInfo(host.paths)!;
}

const INTEL_2S = await infoOf("intel_2s_cdp");
const INTEL_1S = await infoOf("intel_1s_mba_mbps");
const AMD = await infoOf("amd_epyc_2s");

Deno.test("parseSchemata: CDP lines, AMD padding, indentation, a trailing ';'", () => {
  const parsed = parseSchemata("L3DATA:0=7ff;1=3c0;\nL3CODE:0=7ff;1=7ff\n    MB:0=2048;1=  16\n\n", "s");
  assert.deepEqual([...parsed.keys()], ["L3DATA", "L3CODE", "MB"]);
  assert.deepEqual([...parsed.get("L3DATA")!], [[0, "7ff"], [1, "3c0"]]);
  assert.deepEqual([...parsed.get("MB")!], [[0, "2048"], [1, "16"]]);
});

Deno.test("parseSchemataLine: malformed lines name the source, the line and the part", () => {
  const cases: [string, RegExp][] = [
    ["L3 0=fff", /s:3: expected "RESOURCE:id=value;…", got "L3 0=fff"$/],
    ["L3:0=fff;x=1", /s:3: expected "id=value" in L3, got "x=1"$/],
    ["L3:0=fff;0=ff", /s:3: domain 0 of L3 is given twice$/],
    ["MB:", /s:3: MB has no domains$/],
  ];
  for (const [line, expected] of cases) assert.throws(() => parseSchemataLine(line, "s", 3), expected);
});

function problems(request: SchemataRequest, info: ResctrlInfo): readonly string[] {
  try {
    validateSchemata(request, info);
  } catch (error) {
    assert.ok(error instanceof SchemataError);
    return error.problems;
  }
  assert.fail("expected a SchemataError");
}

Deno.test("validateSchemata: masks within cbm_mask, contiguous, at least min_cbm_bits, on known domains", () => {
  assert.deepEqual(validateSchemata({ l3: "L3:0=ff0" }, INTEL_1S).lines, ["L3:0=ff0"]);
  assert.deepEqual(
    validateSchemata({ l3: "L3:0=0x00F" }, INTEL_1S).lines,
    ["L3:0=f"],
    "0x and case accepted",
  );
  const cases: [string, string][] = [
    ["L3:0=1000", "L3 domain 0: mask 0x1000 has bits outside info/L3/cbm_mask 0xfff"],
    [
      "L3:0=f0f",
      "L3 domain 0: mask 0xf0f has non-contiguous 1-bits; expected one block of consecutive 1-bits (info/L3/sparse_masks is not 1)",
    ],
    ["L3:0=0", "L3 domain 0: mask 0 is empty; expected at least 1 bit(s) (info/L3/min_cbm_bits)"],
    ["L3:0=fffg", 'L3 domain 0: expected a hexadecimal cache mask, got "fffg"'],
    ["L3:1=fff", "L3 domain 1: no such domain; expected one of 0 (the root group's schemata)"],
    ["MB:0=50", "l3: expected a L3 or L3CODE or L3DATA line, got MB:"],
    ["L3CODE:0=fff", "L3CODE needs CDP (mount resctrl with -o cdp); this mount has plain L3: use L3:"],
  ];
  for (const [l3, expected] of cases) assert.deepEqual(problems({ l3 }, INTEL_1S), [expected], l3);
});

Deno.test("validateSchemata: min_cbm_bits counts consecutive bits", async () => {
  await using host = await resctrlHost("intel_1s_mba_mbps");
  await Deno.writeTextFile(`${host.paths.resctrl}/info/L3/min_cbm_bits`, "2\n");
  const info = readResctrlInfo(host.paths)!;
  assert.deepEqual(problems({ l3: "L3:0=8" }, info), [
    "L3 domain 0: mask 0x8 has 1 bit(s); expected at least 2 (info/L3/min_cbm_bits)",
  ]);
  assert.deepEqual(validateSchemata({ l3: "L3:0=18" }, info).lines, ["L3:0=18"]);
});

Deno.test("validateSchemata: with CDP an L3 line is written as L3CODE and L3DATA; explicit lines pass", () => {
  const both = validateSchemata({ l3: "L3:0=7f0;1=00f" }, INTEL_2S);
  assert.deepEqual(both.lines, ["L3CODE:0=7f0;1=f", "L3DATA:0=7f0;1=f"]);
  assert.match(both.notes[0]!, /CDP/);
  const explicit = validateSchemata({ l3: "L3CODE:0=7ff\nL3DATA:1=3" }, INTEL_2S);
  assert.deepEqual(explicit.lines, ["L3CODE:0=7ff", "L3DATA:1=3"]);
  assert.deepEqual(problems({ l3: "L3:0=fff" }, INTEL_2S), [
    "L3CODE domain 0: mask 0xfff has bits outside info/L3CODE/cbm_mask 0x7ff",
  ], "reported once, not once for code and once for data");
});

Deno.test("validateSchemata: percent MB is rounded up to bandwidth_gran and written rounded", () => {
  const result = validateSchemata({ mb: "MB:0=15;1=100" }, INTEL_2S);
  assert.deepEqual(result.lines, ["MB:0=20;1=100"]);
  assert.deepEqual(result.notes, ["MB domain 0: 15 rounded up to 20 (info/MB/bandwidth_gran 10)"]);
  assert.deepEqual(problems({ mb: "MB:0=5;1=101" }, INTEL_2S), [
    "MB domain 0: 5 is below info/MB/min_bandwidth 10",
    "MB domain 1: 101 is above 100 (percent of memory bandwidth)",
  ]);
  assert.deepEqual(problems({ mb: "MB:0=fast" }, INTEL_2S), [
    'MB domain 0: expected a whole number (percent), got "fast"',
  ]);
  assert.deepEqual(problems({ mb: "MB:2=50" }, INTEL_2S), [
    "MB domain 2: no such domain; expected one of 0, 1 (the root group's schemata)",
  ]);
});

Deno.test("validateSchemata: MBps mode takes MBps as they are, up to the kernel's u32", () => {
  assert.deepEqual(validateSchemata({ mb: "MB:0=4096" }, INTEL_1S).lines, ["MB:0=4096"]);
  assert.deepEqual(
    validateSchemata({ mb: "MB:0=5" }, INTEL_1S).notes,
    [],
    "no min_bandwidth or rounding in MBps",
  );
  assert.deepEqual(problems({ mb: "MB:0=4294967296" }, INTEL_1S), [
    "MB domain 0: 4294967296 MBps is above the kernel's limit 4294967295",
  ]);
});

Deno.test("validateSchemata: AMD takes sparse and empty masks and MB in 1/8 GB/s", () => {
  const result = validateSchemata({ l3: "L3:0=f0f0;1=0;2=ffff;3=1", mb: "MB:1=16" }, AMD);
  assert.deepEqual(result.lines, ["L3:0=f0f0;1=0;2=ffff;3=1", "MB:1=16"]);
  assert.deepEqual(problems({ mb: "MB:0=16.5" }, AMD), [
    'MB domain 0: expected a whole number (multiples of 1/8 GB/s), got "16.5"',
  ]);
});

Deno.test("validateSchemata: every problem of a request is listed; a missing resource is explained", async () => {
  assert.deepEqual(problems({ l3: "L3:0=1000", mb: "MB:0=1;1=7" }, INTEL_2S), [
    "L3CODE domain 0: mask 0x1000 has bits outside info/L3CODE/cbm_mask 0x7ff",
    "MB domain 0: 1 is below info/MB/min_bandwidth 10",
    "MB domain 1: 7 is below info/MB/min_bandwidth 10",
  ]);
  await using host = await resctrlHost("amd_epyc_2s");
  await Deno.remove(`${host.paths.resctrl}/info/MB`, { recursive: true });
  const info = readResctrlInfo(host.paths)!;
  assert.deepEqual(problems({ mb: "MB:0=10" }, info), [
    `MB: memory bandwidth allocation (MBA) is not available: ${host.paths.resctrl}/info has no MB directory`,
  ]);
  assert.deepEqual(problems({ l3: "" }, info), ["l3: expected a line like L3:0=…, got nothing"]);
  assert.match(new SchemataError(["a", "b"]).message, /^invalid schemata: a; b$/);
});
