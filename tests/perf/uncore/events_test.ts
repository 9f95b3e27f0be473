/** Uncore events: predefined encodings, the custom event syntax, and placing fields by a PMU's format. */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { hostPathsUnder } from "../../../src/platform/host_paths.ts";
import { discoverUncorePmus, parseFormat, type UncorePmu } from "../../../src/perf/uncore/discovery.ts";
import {
  parseUncoreEvent,
  parseUncoreEvents,
  placeField,
  PREDEFINED_UNCORE_EVENTS,
  uncoreEventAttr,
} from "../../../src/perf/uncore/events.ts";

const CLX = hostPathsUnder(fileURLToPath(new URL("../../fixtures/hosts/uncore_clx_2s", import.meta.url)));

const pmu = (format: Record<string, string>, type = 30): UncorePmu => ({
  name: "uncore_test_0",
  family: "test",
  type,
  cpus: [0],
  format: new Map(Object.entries(format).map(([k, v]) => [k, parseFormat(v)])),
  path: "/fixture/uncore_test_0",
});

Deno.test("predefined events: the original WCA's names, families and Intel encodings", () => {
  const table = [...PREDEFINED_UNCORE_EVENTS.values()].map((e) => [e.name, e.family, e.event, e.umask]);
  assert.deepEqual(table, [
    ["platform_cas_count_reads", "imc", 0x04n, 0x03n],
    ["platform_cas_count_writes", "imc", 0x04n, 0x0cn],
    ["platform_pmm_bandwidth_reads", "imc", 0xe3n, 0n],
    ["platform_pmm_bandwidth_writes", "imc", 0xe7n, 0n],
    ["platform_rpq_occupancy", "imc", 0x80n, 0n],
    ["platform_rpq_inserts", "imc", 0x10n, 0n],
    ["platform_imc_clockticks", "imc", 0x00n, 0n],
    ["platform_upi_rxl_flits", "upi", 0x03n, 0x0fn],
    ["platform_upi_txl_flits", "upi", 0x02n, 0x0fn],
  ]);
  for (const e of PREDEFINED_UNCORE_EVENTS.values()) assert.equal(parseUncoreEvent(e.name), e);
});

Deno.test("a predefined event on a Cascade Lake IMC: the PMU's type, event and umask where format says", () => {
  const [imc3] = discoverUncorePmus(CLX, new Set(["imc"])).slice(3);
  const attr = uncoreEventAttr(parseUncoreEvent("platform_cas_count_writes"), imc3!);
  assert.deepEqual(attr, { type: 17, config: 0x0c04n, config1: 0n, config2: 0n });
  const upi = discoverUncorePmus(CLX, new Set(["upi"]))[0]!;
  assert.deepEqual(uncoreEventAttr(parseUncoreEvent("platform_upi_rxl_flits"), upi).config, 0x0f03n);
});

Deno.test("custom events: name/pmu/terms/ with event, umask, config, config1", () => {
  const e = parseUncoreEvent("my_reads/uncore_imc/event=0x04,umask=0x03/");
  assert.deepEqual(
    { name: e.name, family: e.family, event: e.event, umask: e.umask, predefined: e.predefined },
    { name: "my_reads", family: "imc", event: 4n, umask: 3n, predefined: false },
  );
  assert.equal(e.text, "my_reads/uncore_imc/event=0x04,umask=0x03/");
  assert.equal(parseUncoreEvent("no_slash/uncore_upi/event=0x2").family, "upi", "the final / is optional");
  const raw = parseUncoreEvent("llc_lookup/uncore_cha/config=0x1134,config1=0x1ff/");
  assert.deepEqual(uncoreEventAttr(raw, pmu({})), {
    type: 30,
    config: 0x1134n,
    config1: 0x1ffn,
    config2: 0n,
  });
  assert.equal(parseUncoreEvent("x/uncore_m2m/event=7/").event, 7n, "a single digit needs no 0x");
  assert.equal(parseUncoreEvent("big/uncore_cha/config=0xffffffffffffffff/").config, (1n << 64n) - 1n);
});

Deno.test("custom event errors name the event and say what was expected", () => {
  const cases: Array<[string, RegExp]> = [
    ["", /neither a predefined event .*platform_cas_count_reads.* nor a custom event written name\/pmu/],
    ["platform_cas_count", /neither a predefined event/],
    ["a/b/c/d", /expected three parts separated by "\/"/],
    ["a/uncore_imc", /expected three parts/],
    ["bad-name/uncore_imc/event=0x1/", /the metric name "bad-name" must be letters, digits and _/],
    ["platform_cas_count_reads/uncore_imc/event=0x1/", /predefined event; list it alone/],
    ["x/imc/event=0x1/", /the PMU "imc" must be a family such as uncore_imc/],
    [
      "x/uncore_imc_0/event=0x1/",
      /name the PMU family uncore_imc \(every instance is opened\), not the instance/,
    ],
    ["x/uncore_imc/umask=0x1/", /needs event= or config=/],
    ["x/uncore_imc/config=0x1,event=0x2/", /either config= or event=\/umask=, not both/],
    ["x/uncore_imc/event=0x1,event=0x2/", /event is given twice/],
    [
      "x/uncore_imc/event=10/",
      /event=10 is ambiguous .* write event=0x10 for hexadecimal or event=0xa for decimal 10/,
    ],
    ["x/uncore_imc/event=e3/", /write event=0xe3 for hexadecimal$/],
    ["x/uncore_imc/event=zz/", /event=zz is not a number; expected hexadecimal/],
    ["x/uncore_imc/event=0x/", /event=0x is not a number/],
    ["x/uncore_imc/config=0x10000000000000000/", /does not fit in 64 bits/],
    [
      "x/uncore_imc/foo=0x1/",
      /the term "foo=0x1" is not one of event=0x\.\., umask=0x\.\., config=0x\.\., config1=0x\.\./,
    ],
    ["x/uncore_imc/event/", /the term "event" is not one of/],
    ["x/uncore_imc//", /expected three parts|the term "" is not one of/],
  ];
  for (const [text, expected] of cases) {
    assert.throws(() => parseUncoreEvent(text), (error: Error) => {
      assert.equal(error.name, "UncoreEventError", text);
      assert.ok(error.message.startsWith(`uncore event ${JSON.stringify(text)}: `), error.message);
      assert.match(error.message, expected);
      return true;
    });
  }
});

Deno.test("parseUncoreEvents: a metric name may be listed once", () => {
  assert.equal(parseUncoreEvents(["platform_cas_count_reads", "x/uncore_imc/event=0x1/"]).length, 2);
  assert.throws(
    () => parseUncoreEvents(["x/uncore_imc/event=0x1/", "x/uncore_upi/event=0x2/"]),
    /uncore event x is listed twice/,
  );
});

Deno.test("placeField: value bits go to the listed bits low first; too wide a value is refused", () => {
  assert.equal(placeField(0xabn, parseFormat("config:8-15"), "f"), 0xab00n);
  // Split fields, as Sapphire Rapids' UPI umask (config:8-15,32-55): bit 8 of the value lands on bit 32.
  assert.equal(placeField(0x1ffn, parseFormat("config:8-15,32-55"), "f"), 0x1_0000_ff00n);
  assert.equal(placeField(0b101n, parseFormat("config1:1,6-10,44"), "f"), (1n << 1n) | (1n << 7n));
  assert.equal(placeField(1n, parseFormat("config:18"), "f"), 1n << 18n);
  assert.throws(
    () => placeField(0x100n, parseFormat("config:0-7"), "uncore event x on y: event (y/format/event)"),
    /^UncoreEventError: uncore event x on y: event \(y\/format\/event\): 0x100 does not fit in its 8-bit field \(config bits 0,1,2,3,4,5,6,7\)/,
  );
});

Deno.test("uncoreEventAttr: format files decide placement; without them Intel's default layout", () => {
  const e = parseUncoreEvent("x/uncore_test/event=0x1ff,umask=0x3/");
  const wide = pmu({ event: "config:0-7,21", umask: "config1:0-7" });
  assert.deepEqual(uncoreEventAttr(e, wide), {
    type: 30,
    config: 0xffn | (1n << 21n),
    config1: 3n,
    config2: 0n,
  });
  assert.throws(
    () => uncoreEventAttr(e, pmu({})),
    /event \(the default layout\): 0x1ff does not fit in its 8-bit field/,
  );
  const small = parseUncoreEvent("y/uncore_test/event=0x2,umask=0x81/");
  assert.equal(uncoreEventAttr(small, pmu({})).config, 0x8102n);
  assert.throws(
    () => uncoreEventAttr(small, pmu({ event: "config:0-7", umask: "config:8-11" })),
    /uncore event y on uncore_test_0: umask \(\/fixture\/uncore_test_0\/format\/umask\): 0x81 does not fit in its 4-bit field/,
  );
});
