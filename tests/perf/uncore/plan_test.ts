/** Uncore group plans: one group per PMU instance per cpumask CPU, and refusals that say why. */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { hostPathsUnder } from "../../../src/platform/host_paths.ts";
import { discoverUncorePmus } from "../../../src/perf/uncore/discovery.ts";
import { parseUncoreEvents } from "../../../src/perf/uncore/events.ts";
import { planUncoreGroups } from "../../../src/perf/uncore/plan.ts";
import { CLX_SOCKETS } from "./fake_perf.ts";

const CLX = hostPathsUnder(fileURLToPath(new URL("../../fixtures/hosts/uncore_clx_2s", import.meta.url)));

Deno.test("each PMU instance of a requested family gets a group on each socket's cpumask CPU", () => {
  const events = parseUncoreEvents([
    "platform_cas_count_reads",
    "platform_upi_txl_flits",
    "platform_cas_count_writes",
    "snoops/uncore_cha/event=0x34,umask=0x03/",
  ]);
  const pmus = discoverUncorePmus(CLX, new Set(["imc", "upi", "cha"]));
  const plans = planUncoreGroups(events, pmus, CLX_SOCKETS, `${CLX.sys}/devices`);
  assert.equal(plans.length, (4 + 6 + 3) * 2);
  const imc0 = plans.filter((p) => p.pmu.name === "uncore_imc_0");
  assert.deepEqual(imc0.map((p) => [p.cpu, p.socket]), [[0, 0], [20, 1]]);
  assert.deepEqual(imc0[0]!.events.map((e) => [e.event.name, e.attr.type, e.attr.config]), [
    ["platform_cas_count_reads", 14, 0x0304n],
    ["platform_cas_count_writes", 14, 0x0c04n],
  ]);
  const upi = plans.filter((p) => p.pmu.family === "upi");
  assert.deepEqual(
    upi.flatMap((p) => p.events.map((e) => e.event.name)),
    Array(6).fill("platform_upi_txl_flits"),
  );
  assert.deepEqual(plans.find((p) => p.pmu.name === "uncore_cha_3")!.events[0]!.attr.config, 0x0334n);
});

Deno.test("a family the host lacks names the events, the family, the directory and what it means", () => {
  const events = parseUncoreEvents([
    "platform_cas_count_reads",
    "platform_upi_rxl_flits",
    "m/uncore_m2m/event=0x1/",
  ]);
  const pmus = discoverUncorePmus(CLX, new Set(["imc", "upi", "m2m"]));
  assert.throws(
    () => planUncoreGroups(events, pmus, CLX_SOCKETS, "/host/sys/devices"),
    (error: Error) => {
      assert.equal(error.name, "UncorePlanError");
      assert.equal(
        error.message,
        "uncore events m need uncore_m2m PMUs, but /host/sys/devices has no uncore_m2m_* directory: this " +
          "hardware or virtual machine exposes no such PMU (remove these events from uncore_event_names, " +
          "or set enable_perf_uncore: false)",
      );
      return true;
    },
  );
  assert.throws(
    () => planUncoreGroups(events.slice(0, 2), [], CLX_SOCKETS, "/d"),
    /platform_cas_count_reads need uncore_imc PMUs, .*; uncore events platform_upi_rxl_flits need uncore_upi PMUs/,
  );
});

Deno.test("a cpumask CPU that is not online is refused with the file named", () => {
  const events = parseUncoreEvents(["platform_imc_clockticks"]);
  const pmus = discoverUncorePmus(CLX, new Set(["imc"]));
  const onlySocket0 = new Map([...CLX_SOCKETS].filter(([, socket]) => socket === 0));
  assert.throws(
    () => planUncoreGroups(events, pmus, onlySocket0, "/d"),
    /uncore_clx_2s\/sys\/devices\/uncore_imc_0\/cpumask names CPU 20, which is not an online CPU/,
  );
});

Deno.test("no events, no groups", () => {
  assert.deepEqual(planUncoreGroups([], discoverUncorePmus(CLX, new Set(["imc"])), CLX_SOCKETS, "/d"), []);
});
