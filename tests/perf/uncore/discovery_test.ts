/** Uncore PMU discovery: the pure parsers, fixture sysfs trees, and the real kernel's PMU files. */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { hostPathsUnder } from "../../../src/platform/host_paths.ts";
import {
  discoverUncorePmus,
  listUncorePmus,
  parseCpumask,
  parseFormat,
  parsePmuType,
  uncoreFamily,
} from "../../../src/perf/uncore/discovery.ts";

const fixture = (name: string) =>
  hostPathsUnder(fileURLToPath(new URL(`../../fixtures/hosts/${name}`, import.meta.url)));
const CLX = fixture("uncore_clx_2s");

Deno.test("parseFormat: the kernel's bit-list syntax, in config, config1 and config2", () => {
  const cases: Array<[string, string, number[]]> = [
    ["config:0-7\n", "config", [0, 1, 2, 3, 4, 5, 6, 7]],
    ["config:18\n", "config", [18]],
    ["config:0", "config", [0]],
    ["config1:1,6-10,44\n", "config1", [1, 6, 7, 8, 9, 10, 44]],
    [
      "config:8-15,32-55",
      "config",
      [...Array(8).keys()].map((i) => i + 8).concat([...Array(24).keys()].map((i) => i + 32)),
    ],
    ["config2:0-63", "config2", [...Array(64).keys()]],
  ];
  for (const [text, word, bits] of cases) assert.deepEqual(parseFormat(text), { word, bits }, text);
});

Deno.test("parseFormat: anything else is an error naming the file", () => {
  for (
    const bad of [
      "",
      "config3:0-7",
      "config:7-0",
      "config:0-64",
      "event=0x05",
      "config:0-7\nconfig:8\n",
      "config:",
    ]
  ) {
    assert.throws(() => parseFormat(bad, "x/format/event"), /^PlatformParseError: x\/format\/event/, bad);
  }
});

Deno.test("parseCpumask and parsePmuType", () => {
  assert.deepEqual(parseCpumask("0,20\n"), [0, 20]);
  assert.deepEqual(parseCpumask("0-1\n"), [0, 1]);
  assert.throws(() => parseCpumask("\n", "imc/cpumask"), /imc\/cpumask:1: names no CPU/);
  assert.throws(() => parseCpumask("x"), /bad list element/);
  assert.equal(parsePmuType("17\n"), 17);
  for (const bad of ["", "-1\n", "abc\n", "1\n2\n", "4294967296\n"]) {
    assert.throws(() => parsePmuType(bad), bad);
  }
});

Deno.test("uncoreFamily: the PMU name without uncore_ and the instance number", () => {
  const cases: Array<[string, string | undefined]> = [
    ["uncore_imc_0", "imc"],
    ["uncore_imc_10", "imc"],
    ["uncore_upi_2", "upi"],
    ["uncore_cha_27", "cha"],
    ["uncore_m2m_1", "m2m"],
    ["uncore_pcu", "pcu"],
    ["uncore_iio_free_running_3", "iio_free_running"],
    ["uncore_imc_free_running_0", "imc_free_running"],
    ["cpu", undefined],
    ["software", undefined],
    ["uncore_", undefined],
  ];
  for (const [name, family] of cases) assert.equal(uncoreFamily(name), family, name);
});

Deno.test("a 2-socket Cascade Lake tree: instances in natural order, type, cpumask and format per PMU", () => {
  assert.deepEqual(listUncorePmus(CLX), [
    ...[0, 1, 2, 3].map((i) => `uncore_cha_${i}`),
    "uncore_iio_0",
    ...[0, 1, 2, 3, 4, 5].map((i) => `uncore_imc_${i}`),
    ...[0, 1, 2].map((i) => `uncore_upi_${i}`),
  ]);
  const pmus = discoverUncorePmus(CLX, new Set(["imc", "upi"]));
  assert.deepEqual(pmus.map((p) => [p.name, p.family, p.type]), [
    ...[0, 1, 2, 3, 4, 5].map((i) => [`uncore_imc_${i}`, "imc", 14 + i]),
    ...[0, 1, 2].map((i) => [`uncore_upi_${i}`, "upi", 20 + i]),
  ]);
  for (const pmu of pmus) assert.deepEqual(pmu.cpus, [0, 20], pmu.name);
  const imc = pmus[3]!;
  assert.equal(imc.path, `${CLX.sys}/devices/uncore_imc_3`);
  assert.deepEqual(imc.format.get("umask"), { word: "config", bits: [8, 9, 10, 11, 12, 13, 14, 15] });
  assert.deepEqual(imc.format.get("inv"), { word: "config", bits: [23] });
  assert.deepEqual([...pmus[6]!.format.get("umask_ext")!.bits].slice(0, 2), [32, 33]);
  const cha = discoverUncorePmus(CLX, new Set(["cha"]));
  assert.equal(cha.length, 4);
  assert.deepEqual(cha[0]!.format.get("filter_tid"), { word: "config1", bits: [0, 1, 2, 3, 4, 5, 6, 7, 8] });
});

Deno.test("only the requested families are read: a broken PMU of another family does not matter", () => {
  assert.equal(discoverUncorePmus(CLX, new Set(["imc"])).length, 6);
  assert.throws(() => discoverUncorePmus(CLX), /uncore_iio_0\/cpumask/, "read when asked for");
  assert.deepEqual(discoverUncorePmus(CLX, new Set(["qpi"])), []);
});

Deno.test("hosts without uncore PMUs, or without a devices directory, discover none", () => {
  assert.deepEqual(listUncorePmus(fixture("no_uncore")), []);
  assert.deepEqual(discoverUncorePmus(fixture("no_uncore")), []);
  assert.deepEqual(listUncorePmus(hostPathsUnder("/nonexistent-wca-root")), []);
});

Deno.test("real kernel: every PMU's type and every format file this kernel exposes parse", () => {
  const dir = "/sys/bus/event_source/devices";
  let formats = 0;
  const types = new Set<number>();
  for (const pmu of Deno.readDirSync(dir)) {
    types.add(parsePmuType(Deno.readTextFileSync(`${dir}/${pmu.name}/type`), `${dir}/${pmu.name}/type`));
    let entries: Deno.DirEntry[] = [];
    try {
      entries = [...Deno.readDirSync(`${dir}/${pmu.name}/format`)];
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    for (const file of entries) {
      const path = `${dir}/${pmu.name}/format/${file.name}`;
      const field = parseFormat(Deno.readTextFileSync(path), path);
      assert.ok(field.bits.length > 0, path);
      formats++;
    }
    try {
      assert.ok(parseCpumask(Deno.readTextFileSync(`${dir}/${pmu.name}/cpumask`)).length > 0);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  assert.ok(types.has(1), "the software PMU is type 1 (PERF_TYPE_SOFTWARE)");
  assert.ok(formats > 0, "this kernel exposes at least one PMU format file (uprobe, power or cpu)");
});
