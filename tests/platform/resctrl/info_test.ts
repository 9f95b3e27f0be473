/** Discovery of resctrl capabilities from info/, per modelled host, and the pure parser's errors. */
import assert from "node:assert/strict";
import {
  parseResctrlInfo,
  readResctrlInfo,
  type ResctrlInfoSource,
} from "../../../src/platform/resctrl/info.ts";
import { resctrlHost } from "../../helpers/resctrl_model.ts";
import { fixturePaths } from "../_helpers.ts";

Deno.test("intel_2s_cdp: CDP resources, percent MBA, monitoring, CLOSIDs halved by CDP, two domains", async () => {
  await using host = await resctrlHost("intel_2s_cdp");
  const info = readResctrlInfo(host.paths)!;
  assert.equal(info.root, host.paths.resctrl);
  assert.equal(info.cdp, true);
  assert.equal(info.l3, undefined);
  assert.equal(info.l3code?.cbmMask, 0x7ffn);
  assert.equal(info.l3code?.cbmBits, 11);
  assert.equal(info.l3data?.minCbmBits, 1);
  assert.equal(info.l3data?.sparseMasks, false);
  assert.equal(info.l3data?.shareableBits, 0n);
  assert.deepEqual(info.mb, {
    numClosids: 8,
    minBandwidth: 10,
    bandwidthGran: 10,
    delayLinear: true,
    unit: "percent",
  });
  assert.deepEqual(info.monitoring, {
    numRmids: 176,
    features: ["llc_occupancy", "mbm_total_bytes", "mbm_local_bytes"],
    llcOccupancy: true,
    mbmTotal: true,
    mbmLocal: true,
  });
  assert.equal(info.closids, 8);
  assert.deepEqual([...info.domains], [["L3DATA", [0, 1]], ["L3CODE", [0, 1]], ["MB", [0, 1]]]);
  assert.deepEqual(info.monDomains, ["mon_L3_00", "mon_L3_01"]);
});

Deno.test("intel_1s_mba_mbps: the mba_MBps mount option makes MB values MBps", async () => {
  await using host = await resctrlHost("intel_1s_mba_mbps");
  const info = readResctrlInfo(host.paths)!;
  assert.equal(info.cdp, false);
  assert.equal(info.l3?.cbmMask, 0xfffn);
  assert.equal(info.mb?.unit, "MBps");
  assert.equal(info.closids, 8, "the smallest num_closids (MB's 8, not L3's 16)");
  assert.deepEqual(info.domains.get("MB"), [0]);
  assert.deepEqual(info.monDomains, ["mon_L3_00"]);
});

Deno.test("amd_epyc_2s: AMD units for MB, sparse masks, empty masks allowed, four domains", async () => {
  await using host = await resctrlHost("amd_epyc_2s");
  const info = readResctrlInfo(host.paths)!;
  assert.equal(info.mb?.unit, "amd");
  assert.equal(info.mb?.minBandwidth, 0);
  assert.equal(info.mb?.delayLinear, false);
  assert.equal(info.l3?.sparseMasks, true);
  assert.equal(info.l3?.minCbmBits, 0);
  assert.equal(info.closids, 16);
  assert.deepEqual(info.domains.get("L3"), [0, 1, 2, 3]);
  assert.deepEqual(info.monDomains, ["mon_L3_00", "mon_L3_01", "mon_L3_02", "mon_L3_03"]);
});

Deno.test("readResctrlInfo: undefined where resctrl is not mounted (no info/, or info/ without tasks)", async () => {
  assert.equal(readResctrlInfo(fixturePaths("v1_split")), undefined);
  await using host = await resctrlHost("amd_epyc_2s");
  await Deno.remove(`${host.paths.resctrl}/tasks`);
  assert.equal(readResctrlInfo(host.paths), undefined);
});

Deno.test("readResctrlInfo: without a resctrl line in mountinfo the options are unknown, CDP still seen", async () => {
  await using host = await resctrlHost("intel_2s_cdp");
  const mountinfo = `${host.paths.proc}/self/mountinfo`;
  const lines = (await Deno.readTextFile(mountinfo)).split("\n").filter((l) => !l.includes(" - resctrl "));
  await Deno.writeTextFile(mountinfo, lines.join("\n"));
  const info = readResctrlInfo(host.paths)!;
  assert.equal(info.cdp, true, "CDP is read from info/L3CODE, not from the mount option");
});

function source(files: Record<string, string>, extra: Partial<ResctrlInfoSource> = {}): ResctrlInfoSource {
  return {
    root: "/r",
    infoFiles: new Map(Object.entries(files)),
    rootSchemata: undefined,
    monDomains: [],
    mountOptions: [],
    vendor: "GenuineIntel",
    ...extra,
  };
}

Deno.test("parseResctrlInfo: bad or missing files are named with what was expected", () => {
  const cases: [Record<string, string>, RegExp][] = [
    [
      { "L3/cbm_mask": "xyz\n", "L3/min_cbm_bits": "1\n", "L3/num_closids": "16\n" },
      /\/r\/info\/L3\/cbm_mask:1: expected a hexadecimal mask, got "xyz"/,
    ],
    [
      { "L3/cbm_mask": "fff\n", "L3/num_closids": "16\n" },
      /\/r\/info\/L3\/min_cbm_bits: missing beside cbm_mask/,
    ],
    [
      { "MB/num_closids": "eight\n" },
      /\/r\/info\/MB\/num_closids:1: expected an integer for value, got "eight"/,
    ],
    [{ "L3_MON/num_rmids": "1\n2\n" }, /\/r\/info\/L3_MON\/num_rmids: expected exactly one line/],
  ];
  for (const [files, expected] of cases) assert.throws(() => parseResctrlInfo(source(files)), expected);
  assert.throws(
    () => parseResctrlInfo(source({}, { rootSchemata: "L3:0=fff\nbogus\n" })),
    /\/r\/schemata:2: expected "RESOURCE:id=value;…", got "bogus"/,
  );
});

Deno.test("parseResctrlInfo: nothing but monitoring; MB unit from vendor and mount options", () => {
  const mon = parseResctrlInfo(
    source({ "L3_MON/num_rmids": "32\n", "L3_MON/mon_features": "llc_occupancy\n" }),
  );
  assert.equal(mon.closids, undefined);
  assert.equal(mon.mb, undefined);
  assert.deepEqual(mon.monitoring, {
    numRmids: 32,
    features: ["llc_occupancy"],
    llcOccupancy: true,
    mbmTotal: false,
    mbmLocal: false,
  });
  const mb = { "MB/num_closids": "8\n", "MB/min_bandwidth": "10\n", "MB/bandwidth_gran": "10\n" };
  assert.equal(parseResctrlInfo(source(mb)).mb?.unit, "percent");
  assert.equal(parseResctrlInfo(source(mb, { vendor: "AuthenticAMD" })).mb?.unit, "amd");
  assert.equal(parseResctrlInfo(source(mb, { mountOptions: ["rw", "mba_MBps"] })).mb?.unit, "MBps");
  assert.equal(parseResctrlInfo(source(mb, { vendor: undefined })).mb?.delayLinear, undefined);
});
