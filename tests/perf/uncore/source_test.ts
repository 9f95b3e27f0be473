/**
 * UncoreSource over the 2-socket Cascade Lake fixture with stand-in perf calls: what it opens, the
 * metrics it reports, how it treats rejected events and refusals, and that it closes everything.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { PERF_FLAG } from "../../../ffi/mod.ts";
import { lookupMetric } from "../../../src/metrics/catalog.ts";
import type { Metric } from "../../../src/metrics/metric.ts";
import { hostPathsUnder } from "../../../src/platform/host_paths.ts";
import { discoverUncorePmus } from "../../../src/perf/uncore/discovery.ts";
import { parseUncoreEvents } from "../../../src/perf/uncore/events.ts";
import { planUncoreGroups } from "../../../src/perf/uncore/plan.ts";
import { UncoreSource } from "../../../src/perf/uncore/source.ts";
import { StartupError } from "../../../src/sources/contract.ts";
import { CLX_SOCKETS, FakePerf, RecordingLog } from "./fake_perf.ts";

const CLX = hostPathsUnder(fileURLToPath(new URL("../../fixtures/hosts/uncore_clx_2s", import.meta.url)));
const LABELS = Object.freeze({ host: "h" });

function plansFor(names: string[], sockets: ReadonlyMap<number, number> = CLX_SOCKETS) {
  const events = parseUncoreEvents(names);
  const pmus = discoverUncorePmus(CLX, new Set(events.map((e) => e.family)));
  return planUncoreGroups(events, pmus, sockets, `${CLX.sys}/devices`);
}

const CAS = ["platform_cas_count_reads", "platform_cas_count_writes"];

/** The counts, without the per-PMU platform_scaling_uncore_factor series. */
const countsOf = (metrics: Metric[]) => metrics.filter((m) => m.name !== "platform_scaling_uncore_factor");
const scalingOf = (metrics: Metric[]) => metrics.filter((m) => m.name === "platform_scaling_uncore_factor");

Deno.test("one group per IMC channel per socket: pid -1 on the cpumask CPU, CLOEXEC, no cgroup", () => {
  const sys = new FakePerf();
  const source = UncoreSource.open(plansFor(CAS), { sys, derived: false, log: new RecordingLog() });
  assert.equal(sys.opened.length, 6 * 2 * 2);
  for (const e of sys.opened) {
    assert.equal(e.pid, -1);
    assert.equal(e.flags, PERF_FLAG.FD_CLOEXEC, "no PERF_FLAG_PID_CGROUP: uncore counts are per socket");
    assert.ok([0, 20].includes(e.cpu));
  }
  const [leader, member] = sys.opened;
  assert.deepEqual([leader!.type, leader!.config, leader!.groupFd, leader!.disabled], [
    14,
    0x0304n,
    -1,
    true,
  ]);
  assert.deepEqual([member!.type, member!.config, member!.groupFd, member!.cpu], [
    14,
    0x0c04n,
    leader!.fd,
    0,
  ]);
  assert.equal(source.fdCount, 24);
  source.close();
});

Deno.test("raw counts per socket and pmu_type; derived rates only with enable_derived_metrics", () => {
  const sys = new FakePerf();
  let reads = 0;
  sys.count = (e) => (e.config === 0x0304n ? 1000 : 10) * reads * (e.cpu === 20 ? 2 : 1) + e.type;
  let now = 100;
  const source = UncoreSource.open(plansFor(CAS), {
    sys,
    derived: true,
    now: () => now,
    log: new RecordingLog(),
  });
  reads = 1;
  const first = source.platformMetrics(LABELS);
  const counts = first.filter((m) => m.name !== "platform_scaling_uncore_factor");
  assert.equal(counts.length, 24, "no derived metric on the first reading");
  const reads14 = first.filter((m) => m.name === "platform_cas_count_reads" && m.labels.pmu_type === "14");
  assert.deepEqual(reads14.map((m) => [m.labels, m.value, m.type, m.help]), [
    [{ host: "h", socket: "0", pmu_type: "14" }, 1014, undefined, undefined],
    [{ host: "h", socket: "1", pmu_type: "14" }, 2014, undefined, undefined],
  ], "predefined events take type and help from the catalog");
  const scaling = first.filter((m) => m.name === "platform_scaling_uncore_factor");
  assert.equal(scaling.length, 12, "one per socket and IMC channel");
  assert.ok(scaling.every((m) => m.value === 1 && m.labels.socket && m.labels.pmu_type), "never multiplexed");
  reads = 3;
  now = 102;
  const second = source.platformMetrics(LABELS);
  const labelsOf = (batch: typeof first, name: string) =>
    batch.filter((m) => m.name === name).map((m) => m.labels);
  const again = labelsOf(second, "platform_cas_count_reads");
  assert.ok(
    labelsOf(first, "platform_cas_count_reads").every((l, i) => Object.isFrozen(l) && l === again[i]),
    "the same frozen label objects every reading, so encoders make their text once",
  );
  const derived = second.filter((m) => m.name.endsWith("_per_second") || m.name.endsWith("_ratio"));
  const rate = (name: string, socket: string, pmuType = "14") =>
    derived.find((m) => m.name === name && m.labels.socket === socket && m.labels.pmu_type === pmuType)
      ?.value;
  // Each channel +2000 (socket 0) or +4000 (socket 1) reads over 2 s, 64 bytes each.
  assert.equal(rate("platform_dram_reads_bytes_per_second", "0"), 2000 * 64 / 2);
  assert.equal(rate("platform_dram_reads_bytes_per_second", "1", "15"), 4000 * 64 / 2);
  assert.equal(rate("platform_dram_writes_bytes_per_second", "0"), 20 * 64 / 2);
  assert.equal(derived.length, 3 * 12, "reads, writes and total per socket and channel");
  assert.deepEqual(
    derived.find((m) => m.labels.socket === "1")!.labels,
    { host: "h", socket: "1", pmu_type: derived.find((m) => m.labels.socket === "1")!.labels.pmu_type },
    "derived metrics carry socket and pmu_type, as in WCA",
  );
  assert.equal(rate("platform_dram_hit_ratio", "0"), undefined, "no PMM events listed: no hit ratio");
  for (const m of second) assert.ok(lookupMetric(m.name), `${m.name} is catalogued`);
  source.close();

  const plain = UncoreSource.open(plansFor(CAS), { sys, derived: false, log: new RecordingLog() });
  plain.platformMetrics(LABELS);
  assert.ok(
    plain.platformMetrics(LABELS).every((m) => !m.name.endsWith("_per_second")),
    "derived off: raw counts and scaling only",
  );
  plain.close();
});

Deno.test("custom events are counters with their configuration in the help text", () => {
  const sys = new FakePerf();
  sys.count = () => 5;
  const source = UncoreSource.open(plansFor(["snoops/uncore_cha/event=0x34,umask=0x03/"]), {
    sys,
    derived: true,
    log: new RecordingLog(),
  });
  const metrics = countsOf(source.platformMetrics(LABELS));
  assert.equal(metrics.length, 4 * 2);
  assert.equal(metrics[0]!.type, "counter");
  assert.equal(
    metrics[0]!.help,
    "Uncore PMU counter configured in uncore_event_names as snoops/uncore_cha/event=0x34,umask=0x03/.",
  );
  assert.equal(sys.opened[0]!.config, 0x0334n);
  source.close();
});

Deno.test("an event the kernel rejects is skipped and reported once, with the errno and where", () => {
  for (const code of ["ENOENT", "EOPNOTSUPP", "EINVAL", "ENODEV"] as const) {
    const sys = new FakePerf();
    sys.reject = (e) => (e.config === 0x0c04n ? code : undefined);
    const log = new RecordingLog();
    const source = UncoreSource.open(plansFor(CAS), { sys, derived: false, log });
    assert.equal(log.warnings.length, 1, log.warnings.join("\n"));
    assert.match(
      log.warnings[0]!,
      new RegExp(
        `^uncore event platform_cas_count_writes is skipped: the kernel rejected it on uncore_imc_0 \\(CPU 0\\), ` +
          `uncore_imc_0 \\(CPU 20\\), .*uncore_imc_5 \\(CPU 20\\) with perf_event_open: ${code} \\(fake ${code}\\): `,
      ),
    );
    assert.equal(source.fdCount, 12, "the other event still counts on every channel");
    assert.deepEqual(
      new Set(source.platformMetrics(LABELS).map((m) => m.name)),
      new Set([CAS[0], "platform_scaling_uncore_factor"]),
    );
    source.close();
    assert.equal(sys.open.size, 0);
  }
});

Deno.test("nothing opened at all is a StartupError, and what did open is closed", () => {
  const sys = new FakePerf();
  sys.reject = () => "ENOENT";
  const log = new RecordingLog();
  assert.throws(
    () => UncoreSource.open(plansFor(CAS), { sys, derived: false, log }),
    (error: Error) =>
      error instanceof StartupError && /none of the uncore events could be opened/.test(error.message),
  );
  assert.equal(log.warnings.length, 2, "one per rejected event");
});

Deno.test("EMFILE says how to raise LimitNOFILE; EACCES how to get the privilege; both close what opened", () => {
  const cases: Array<["EMFILE" | "ENFILE" | "EACCES" | "EPERM" | "EBUSY", RegExp]> = [
    [
      "EMFILE",
      /EMFILE .*open-file limit is reached \(uncore counters need 24 perf fds.*LimitNOFILE= .*ulimit -n/,
    ],
    ["ENFILE", /ENFILE .*LimitNOFILE=/],
    ["EACCES", /EACCES .*whole machine, which needs root, CAP_PERFMON .*perf_event_paranoid at 0 or lower/],
    ["EPERM", /EPERM .*CAP_PERFMON/],
    ["EBUSY", /^cannot open perf event platform_cas_count_writes on CPU 0: perf_event_open: EBUSY/],
  ];
  for (const [code, expected] of cases) {
    const sys = new FakePerf();
    sys.reject = (_e, attempt) => (attempt === 5 ? code : undefined);
    assert.throws(
      () => UncoreSource.open(plansFor(CAS), { sys, derived: false, log: new RecordingLog() }),
      (error: Error) => error instanceof StartupError && expected.test(error.message),
      code,
    );
    assert.equal(sys.opened.length, 5);
    assert.equal(sys.open.size, 0, `${code}: every fd opened before the failure is closed`);
  }
});

Deno.test("a group that cannot be read, or never ran, is left out and reported once", () => {
  const sys = new FakePerf();
  sys.count = () => 7;
  const log = new RecordingLog();
  const source = UncoreSource.open(plansFor(CAS), { sys, derived: false, log });
  sys.failingReads.add(sys.opened[0]!.fd);
  for (let i = 0; i < 3; i++) {
    const metrics = source.platformMetrics(LABELS);
    assert.equal(countsOf(metrics).length, 22);
    assert.equal(scalingOf(metrics).length, 11, "no scaling factor for the unreadable group either");
  }
  assert.deepEqual(log.warnings, [
    "cannot read uncore counters of uncore_imc_0 on CPU 0: read: EBADF (fake read); left out (reported once)",
  ]);
  sys.running = 0;
  assert.equal(source.platformMetrics(LABELS).length, 0);
  assert.equal(log.warnings.length, 1 + 11, "each group that never ran, once (imc_0 CPU 0 already warned)");
  sys.running = 0.5;
  const multiplexed = source.platformMetrics(LABELS);
  assert.ok(countsOf(multiplexed).every((m) => m.value === 14), "multiplexed counts are scaled");
  assert.ok(scalingOf(multiplexed).every((m) => m.value === 2), "and their scaling factor says by how much");
  source.close();
});

Deno.test("two cpumask CPUs on one socket (a multi-die package) add up into one series", () => {
  const sys = new FakePerf();
  sys.count = (e) => (e.cpu === 0 ? 1 : 100);
  const oneSocket = new Map([...CLX_SOCKETS].map(([cpu]) => [cpu, 0]));
  const source = UncoreSource.open(plansFor(["platform_imc_clockticks"], oneSocket), {
    sys,
    derived: false,
    log: new RecordingLog(),
  });
  const all = source.platformMetrics(LABELS);
  const metrics = countsOf(all);
  assert.equal(metrics.length, 6);
  assert.equal(scalingOf(all).length, 6, "one scaling series per PMU and socket, not per CPU");
  assert.ok(metrics.every((m) => m.value === 101 && m.labels.socket === "0"));
  source.close();
});

Deno.test("close returns every fd and runs onClose once, however often it is called", () => {
  const sys = new FakePerf();
  let closed = 0;
  const source = UncoreSource.open(plansFor([...CAS, "platform_upi_rxl_flits"]), {
    sys,
    derived: false,
    log: new RecordingLog(),
    onClose: () => closed++,
  });
  assert.equal(sys.open.size, 24 + 6);
  assert.deepEqual(source.taskMetrics(), []);
  source.sync();
  source.close();
  source.close();
  assert.equal(sys.open.size, 0);
  assert.equal(source.fdCount, 0);
  assert.equal(closed, 1);
});
