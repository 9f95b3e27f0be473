/** Monitoring counters: the three shapes of an event file, and sums over domains. */
import assert from "node:assert/strict";
import { parseMonValue, readMonData } from "../../../src/platform/resctrl/mon_data.ts";
import { resctrlHost } from "../../helpers/resctrl_model.ts";

Deno.test("parseMonValue: a byte count, Unavailable, Error; anything else names the file", () => {
  assert.equal(parseMonValue("31234000\n", "f"), 31234000);
  assert.equal(parseMonValue("0", "f"), 0);
  assert.equal(parseMonValue("Unavailable\n", "f"), "Unavailable");
  assert.equal(parseMonValue("Error\n", "f"), "Error");
  assert.throws(
    () => parseMonValue("-5\n", "m/llc"),
    /m\/llc:1: expected a byte count, "Unavailable" or "Error", got "-5"/,
  );
  assert.throws(() => parseMonValue("", "m/llc"), /got ""/);
});

Deno.test("readMonData: sums each event over the domains of the root group", async () => {
  await using host = await resctrlHost("amd_epyc_2s");
  const domains = ["mon_L3_00", "mon_L3_01", "mon_L3_02", "mon_L3_03"];
  const reading = readMonData(host.paths.resctrl, domains, [
    "llc_occupancy",
    "mbm_total_bytes",
    "mbm_local_bytes",
  ]);
  assert.deepEqual(reading, {
    totals: { llc_occupancy: 1048576 + 2097152 + 524288, mbm_total_bytes: 600, mbm_local_bytes: 500 },
    missing: [],
  });
});

Deno.test("readMonData: an event with an Unavailable or Error domain is left out, and said why", async () => {
  await using host = await resctrlHost("intel_2s_cdp");
  const root = host.paths.resctrl;
  host.model.setCounter(root, "mon_L3_01", "mbm_total_bytes", "Unavailable");
  host.model.setCounter(root, "mon_L3_00", "llc_occupancy", "Error");
  const reading = readMonData(root, ["mon_L3_00", "mon_L3_01"], [
    "llc_occupancy",
    "mbm_total_bytes",
    "mbm_local_bytes",
  ]);
  assert.deepEqual(reading?.totals, { mbm_local_bytes: 818273645 + 99887766 });
  assert.deepEqual(reading?.missing, [
    "mon_L3_00/llc_occupancy: Error",
    "mon_L3_01/mbm_total_bytes: Unavailable",
  ]);
});

Deno.test("readMonData: undefined for a group that is gone; nothing summed without domains", async () => {
  await using host = await resctrlHost("amd_epyc_2s");
  assert.equal(
    readMonData(`${host.paths.resctrl}/mon_groups/gone`, ["mon_L3_00"], ["llc_occupancy"]),
    undefined,
  );
  assert.deepEqual(readMonData(host.paths.resctrl, [], ["llc_occupancy"]), { totals: {}, missing: [] });
});
