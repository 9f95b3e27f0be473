/**
 * The uncore code path on the real kernel, counting this process's fds: run alone by factory_test.ts
 * through runIsolated. The uncore_on_software_pmu fixture's uncore_imc_0 is typed as the kernel's
 * software PMU and its uncore_upi_0 as a PMU type no kernel has (see that fixture's README).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { Libc } from "../../../ffi/mod.ts";
import { processHub } from "../../../src/logging/mod.ts";
import type { Metric } from "../../../src/metrics/metric.ts";
import { StaticNode } from "../../../src/nodes/static_node.ts";
import { createUncoreSource, uncoreSourceFactory } from "../../../src/perf/uncore/factory.ts";
import { defaultHostPaths } from "../../../src/platform/host_paths.ts";
import { readTopology } from "../../../src/platform/topology.ts";
import type { HostFacts } from "../../../src/sources/facts.ts";
import { MeasurementRunner } from "../../../src/runners/measurement/runner.ts";
import { openFdCount } from "../../helpers/fds.ts";
import { RecordingLog } from "./fake_perf.ts";

const SYS = fileURLToPath(new URL("../../fixtures/hosts/uncore_on_software_pmu/sys", import.meta.url));
const hostPaths = { ...defaultHostPaths(), sys: SYS };
const topology = readTopology(defaultHostPaths());
const EVENTS = [
  "platform_imc_clockticks", // event 0x00 on the software PMU: config 0, cpu-clock
  "ctx_switches/uncore_imc/event=0x3/", // config 3: context-switches
  "platform_cas_count_reads", // config 0x304: no such software event, ENOENT
  "platform_upi_rxl_flits", // uncore_upi_0 has type 99999: ENOENT
];

function paramsWith(names: string[]) {
  const node = new StaticNode(StaticNode.schema.parse({ tasks: ["unused"] }), { hostPaths });
  return MeasurementRunner.schema.parse({ node, uncore_event_names: names, enable_derived_metrics: true });
}

const perfFds = () =>
  [...Deno.readDirSync("/proc/self/fd")].filter((entry) => {
    try {
      return Deno.readLinkSync(`/proc/self/fd/${entry.name}`) === "anon_inode:[perf_event]";
    } catch {
      return false; // the listing's own fd
    }
  }).length;

const spin = (ms: number) => {
  for (const until = performance.now() + ms; performance.now() < until;) { /* on the CPU */ }
};

function single(batch: Metric[], name: string): number {
  const found = batch.filter((m) => m.name === name);
  assert.equal(found.length, 1, name);
  assert.deepEqual(found[0]!.labels, { host: "h", socket: "0", pmu_type: "1" });
  return found[0]!.value;
}

Deno.test("the fixture's uncore_imc_0/type (1) is this kernel's software PMU", () => {
  assert.equal(Deno.readTextFileSync("/sys/bus/event_source/devices/software/type").trim(), "1");
});

Deno.test("real kernel via the factory: one group on the cpumask CPU, real counts, every fd returned", async () => {
  const warnings = () => processHub().counts().find((c) => c.module === "wca.perf.uncore")?.warnings ?? 0;
  const before = { all: openFdCount(), perf: perfFds(), warnings: warnings() };
  const source = (await uncoreSourceFactory(paramsWith(EVENTS), { hostPaths }, { topology } as HostFacts))!;
  assert.equal(perfFds() - before.perf, 2, "cpu-clock and context-switches in one group on CPU 0");
  assert.equal(openFdCount() - before.all, 2, "and no other fd");
  assert.equal(warnings() - before.warnings, 2, "one warning per rejected event");
  spin(30);
  const first = source.platformMetrics({ host: "h" });
  spin(30);
  const second = source.platformMetrics({ host: "h" });
  const clock = single(second, "platform_imc_clockticks") - single(first, "platform_imc_clockticks");
  assert.ok(clock >= 25e6, `cpu-clock on CPU 0 advanced ${clock} ns over 30 ms`);
  const switches = [single(first, "ctx_switches"), single(second, "ctx_switches")];
  assert.ok(Number.isInteger(switches[0]) && switches[1]! >= switches[0]!, `${switches}`);
  assert.ok(!second.some((m) => /^platform_(cas|upi)/.test(m.name)), "rejected events have no series");
  await source.close();
  await source.close();
  assert.equal(perfFds(), before.perf, "every perf fd closed");
  assert.equal(openFdCount(), before.all, "and nothing else left open");
});

Deno.test("real kernel: ENOENT for an unknown event and an unknown PMU type, each named once", () => {
  const log = new RecordingLog();
  const libc = new Libc();
  const source = createUncoreSource(paramsWith(EVENTS), {
    hostPaths,
    topology,
    sys: libc,
    log,
    onClose: () => libc.unload(),
  });
  try {
    assert.equal(source.fdCount, 2);
    assert.equal(log.warnings.length, 2, log.warnings.join("\n"));
    assert.match(
      log.warnings[0]!,
      /^uncore event platform_cas_count_reads is skipped: the kernel rejected it on uncore_imc_0 \(CPU 0\) with perf_event_open: ENOENT \(No such file or directory\): the PMU does not know this event or PMU type$/,
    );
    assert.match(
      log.warnings[1]!,
      /^uncore event platform_upi_rxl_flits is skipped: the kernel rejected it on uncore_upi_0 \(CPU 0\) with perf_event_open: ENOENT/,
    );
    assert.deepEqual(log.infos, ["uncore: counting 2 events in 1 groups on 1 PMUs"]);
  } finally {
    source.close();
  }
  assert.equal(source.fdCount, 0);
});
