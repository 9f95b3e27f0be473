/**
 * The uncore factory: when it builds a source, the refusals a host without the PMUs gets, the
 * MeasurementRunner wiring and config validation, and (in real_kernel_isolated.ts) the real kernel path
 * through PMU directories that lead to PMUs this machine really has.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { Registry } from "../../../src/components/mod.ts";
import { BUILTIN_COMPONENTS } from "../../../src/builtins.ts";
import { buildRunner, parseConfigText } from "../../../src/config/mod.ts";
import { StaticNode } from "../../../src/nodes/static_node.ts";
import { createPerfSource } from "../../../src/perf/factory.ts";
import { processHub } from "../../../src/logging/mod.ts";
import { createUncoreSource, uncoreSourceFactory, wantsUncore } from "../../../src/perf/uncore/factory.ts";
import { hostPathsUnder } from "../../../src/platform/host_paths.ts";
import { buildTopology } from "../../../src/platform/topology.ts";
import { MeasurementRunner } from "../../../src/runners/measurement/runner.ts";
import { unsupportedSettings } from "../../../src/runners/measurement/schema.ts";
import type { HostFacts } from "../../../src/sources/facts.ts";
import { StartupError } from "../../../src/sources/contract.ts";
import { runIsolated } from "../../helpers/isolated.ts";
import { CLX_SOCKETS, FakePerf, RecordingLog } from "./fake_perf.ts";
import { MEASUREMENT_SOURCES } from "../../../src/builtins.ts";

const HOSTS = fileURLToPath(new URL("../../fixtures/hosts/", import.meta.url));
const host = (name: string) => hostPathsUnder(HOSTS + name);
const CLX = host("uncore_clx_2s");
const V2 = host("v2_unified");
const CLX_TOPOLOGY = buildTopology(
  [...CLX_SOCKETS.keys()],
  [...CLX_SOCKETS].map(([cpu, socket]) => ({ cpu, socket, core: cpu % 20 })),
  { modelName: "Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz", model: 85 },
);

function paramsWith(extra: Record<string, unknown>) {
  const node = new StaticNode(StaticNode.schema.parse({ tasks: ["task1"] }), { hostPaths: V2 });
  return MeasurementRunner.schema.parse({ node, ...extra });
}

const facts = { topology: CLX_TOPOLOGY } as HostFacts;

Deno.test("no uncore events, or enable_perf_uncore: false, is no source, whatever the hardware", async () => {
  const warnings = () => processHub().counts().find((c) => c.module === "wca.perf.uncore")?.warnings ?? 0;
  const cases: Array<[Record<string, unknown>, boolean]> = [
    [{}, false],
    [{ enable_perf_uncore: true }, false],
    [{ enable_perf_uncore: false, uncore_event_names: ["platform_cas_count_reads"] }, false],
    [{ uncore_event_names: ["platform_cas_count_reads"] }, true],
    [{ enable_perf_uncore: true, uncore_event_names: ["platform_cas_count_reads"] }, true],
  ];
  for (const [extra, wanted] of cases) {
    assert.equal(wantsUncore(paramsWith(extra)), wanted, JSON.stringify(extra));
  }
  for (const [extra, wanted] of cases) {
    if (wanted) continue;
    const before = warnings();
    // A host without uncore PMUs: nothing is even looked at.
    assert.equal(
      await uncoreSourceFactory(paramsWith(extra), { hostPaths: host("no_uncore") }, facts),
      undefined,
    );
    assert.equal(
      warnings() - before,
      extra.enable_perf_uncore === true ? 1 : 0,
      "true with no events: a warning",
    );
  }
});

Deno.test("requested events on a host without their PMU family: a StartupError saying so", async () => {
  const params = paramsWith({ uncore_event_names: ["platform_cas_count_reads", "platform_upi_txl_flits"] });
  const noUncore = host("no_uncore");
  await assert.rejects(
    async () => await uncoreSourceFactory(params, { hostPaths: noUncore }, facts),
    (error: Error) => {
      assert.ok(error instanceof StartupError);
      assert.equal(
        error.message,
        `uncore events platform_cas_count_reads need uncore_imc PMUs, but ${noUncore.sys}/devices has no ` +
          "uncore_imc_* directory: this hardware or virtual machine exposes no such PMU; uncore events " +
          `platform_upi_txl_flits need uncore_upi PMUs, but ${noUncore.sys}/devices has no uncore_upi_* ` +
          "directory: this hardware or virtual machine exposes no such PMU (remove these events from " +
          "uncore_event_names, or set enable_perf_uncore: false)",
      );
      return true;
    },
  );
});

Deno.test("a requested family whose sysfs files are broken: a StartupError naming the file", () => {
  const params = paramsWith({ uncore_event_names: ["io/uncore_iio/event=0x83,umask=0x04/"] });
  assert.throws(
    () => createUncoreSource(params, { hostPaths: CLX, topology: CLX_TOPOLOGY, sys: new FakePerf() }),
    (error: Error) =>
      error instanceof StartupError &&
      error.message.startsWith(`cannot read the uncore PMUs under ${CLX.sys}/devices: `) &&
      error.message.includes("uncore_iio_0/cpumask"),
  );
});

Deno.test("createUncoreSource on the 2-socket fixture: every IMC and UPI instance on both sockets", () => {
  const sys = new FakePerf();
  sys.count = () => 1;
  const params = paramsWith({
    uncore_event_names: ["platform_cas_count_reads", "platform_upi_rxl_flits", "platform_upi_txl_flits"],
    enable_derived_metrics: true,
  });
  let now = 0;
  const source = createUncoreSource(params, {
    hostPaths: CLX,
    topology: CLX_TOPOLOGY,
    sys,
    now: () => now++,
    log: new RecordingLog(),
  });
  assert.equal(source.fdCount, 6 * 2 + 3 * 2 * 2);
  const first = source.platformMetrics({ host: "h" });
  assert.deepEqual(
    new Set(first.map((m) => `${m.labels.socket}/${m.labels.pmu_type}`)).size,
    (6 + 3) * 2,
    "one series per socket and PMU",
  );
  const second = source.platformMetrics({ host: "h" });
  const derived = second.filter((m) => m.name.endsWith("_per_second"));
  assert.deepEqual(
    [...new Set(derived.map((m) => `${m.name} ${m.labels.socket}`))],
    [
      "platform_dram_reads_bytes_per_second 0",
      "platform_upi_bandwidth_bytes_per_second 0",
      "platform_dram_reads_bytes_per_second 1",
      "platform_upi_bandwidth_bytes_per_second 1",
    ],
    "enable_derived_metrics: rates from the second reading on",
  );
  assert.equal(derived.length, (6 + 3) * 2, "per socket and PMU instance (pmu_type), as WCA");
  assert.ok(derived.every((m) => m.value === 0 && m.labels.pmu_type !== undefined), "constant counts: zero");
  assert.ok(
    derived.every((m) => m.labels.pmu_type !== undefined),
    "enable_derived_metrics: rates from the second reading on (constant counts: zero)",
  );
  source.close();
  assert.equal(sys.open.size, 0);
});

Deno.test("MeasurementRunner: uncore events on a host without uncore PMUs exit 1; off, it starts", async () => {
  const context = { hostPaths: V2 };
  const node = new StaticNode(StaticNode.schema.parse({ tasks: ["task1"] }), context);
  const storage = { store() {} };
  const failing = new MeasurementRunner(
    MeasurementRunner.schema.parse({
      node,
      metrics_storage: storage,
      uncore_event_names: ["platform_rpq_inserts"],
    }),
    context,
    MEASUREMENT_SOURCES,
  );
  await assert.rejects(
    () => failing.start(),
    /platform_rpq_inserts need uncore_imc PMUs, but .*v2_unified\/sys\/devices/,
  );
  await failing.close();
  assert.equal(await failing.run(new AbortController().signal), 1);
  const off = new MeasurementRunner(
    MeasurementRunner.schema.parse({
      node,
      metrics_storage: storage,
      enable_perf_uncore: false,
      uncore_event_names: ["platform_rpq_inserts"],
    }),
    context,
    MEASUREMENT_SOURCES,
  );
  const metrics = await off.iterate(await off.start(), { host: "h" });
  assert.ok(!metrics.some((m) => m.name === "platform_rpq_inserts"));
  await off.close();
});

Deno.test("config: uncore_event_names entries are checked when the configuration loads", () => {
  const node = new StaticNode(StaticNode.schema.parse({ tasks: ["task1"] }), { hostPaths: V2 });
  const parse = (names: string[]) => MeasurementRunner.schema.safeParse({ node, uncore_event_names: names });
  const bad = parse(["platform_cas_count_reads", "x/uncore_imc/event=10/"]);
  assert.ok(!bad.success);
  assert.deepEqual(bad.error.issues[0]!.path, ["uncore_event_names", 1]);
  assert.match(
    bad.error.issues[0]!.message,
    /uncore event "x\/uncore_imc\/event=10\/": event=10 is ambiguous/,
  );
  const twice = parse(["platform_cas_count_reads", "platform_cas_count_reads"]);
  assert.ok(!twice.success);
  assert.match(twice.error.issues[0]!.message, /platform_cas_count_reads is listed twice/);
  const good = parse(["platform_cas_count_reads", "mine/uncore_cha/config=0x1134/"]);
  assert.ok(good.success);
  assert.deepEqual(
    unsupportedSettings(good.data).filter((n) => n.includes("uncore")),
    [],
    "no longer 'ignored'",
  );
});

Deno.test("real kernel: open, read and close through the uncore path (counts /proc/self/fd, so alone)", async () => {
  await runIsolated(new URL("./real_kernel_isolated.ts", import.meta.url));
});

Deno.test("config: a bad uncore event is reported at its file:line:col", () => {
  const text = [
    "runner: !MeasurementRunner",
    "  node: !StaticNode",
    "    tasks: [task1]",
    "  uncore_event_names:",
    "    - platform_cas_count_reads",
    "    - reads/uncore_imc_0/event=0x04/",
  ].join("\n");
  const config = parseConfigText("uncore.yaml", text);
  assert.throws(
    () => buildRunner(config, { components: new Registry(BUILTIN_COMPONENTS), context: { hostPaths: V2 } }),
    /uncore\.yaml:6:7: .*name the PMU family uncore_imc \(every instance is opened\), not the instance uncore_imc_0/,
  );
});

Deno.test("enable_derived_metrics with uncore events only: the perf source does not call it useless", () => {
  const perfWarnings = () => processHub().counts().find((c) => c.module === "wca.perf")?.warnings ?? 0;
  const before = perfWarnings();
  const context = { hostPaths: V2 };
  createPerfSource(
    paramsWith({ enable_derived_metrics: true, uncore_event_names: ["platform_cas_count_reads"] }),
    context,
    facts,
  );
  assert.equal(perfWarnings(), before);
  createPerfSource(paramsWith({ enable_derived_metrics: true }), context, facts);
  assert.equal(perfWarnings(), before + 1, "without any events it still warns");
});
