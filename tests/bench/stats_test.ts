import assert from "node:assert/strict";
import {
  deltas,
  formatRows,
  formatTable,
  gcPauses,
  iterationReads,
  keptOpenReads,
  median,
  parseSchedstat,
  percentile,
  statusBytes,
  tracedIterationReads,
} from "../../bench/stats.ts";
import { agentConfig, agentFlags } from "../../bench/agent_process.ts";

Deno.test("parseSchedstat: the run time in ns; anything else is a clear error", () => {
  for (
    const [text, expected] of [
      ["123456789 4567 89\n", 123456789],
      ["0 0 0", 0],
    ] as const
  ) assert.equal(parseSchedstat(text), expected);
  for (const bad of ["", "x 1 2", "-5 1 2"]) assert.throws(() => parseSchedstat(bad), /schedstat: expected/);
});

Deno.test("statusBytes: kB fields of /proc/PID/status in bytes; absent is undefined", () => {
  const status = "Name:\tdeno\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t9\n";
  assert.equal(statusBytes(status, "VmRSS"), 100 * 1024 * 1024);
  assert.equal(statusBytes(status, "VmHWM"), 200 * 1024 * 1024);
  assert.equal(statusBytes(status, "VmSwap"), undefined);
});

Deno.test("median, percentile and deltas", () => {
  const cases: [number[], number, number][] = [
    // values, median, p99
    [[3, 1, 2], 2, 3],
    [[4, 1, 3, 2], 2.5, 4],
    [[5], 5, 5],
    [Array.from({ length: 200 }, (_, i) => i + 1), 100.5, 198],
  ];
  for (const [values, med, p99] of cases) {
    assert.equal(median(values), med, `median of ${values.length}`);
    assert.equal(percentile(values, 99), p99, `p99 of ${values.length}`);
  }
  assert.ok(Number.isNaN(median([])));
  assert.deepEqual(deltas([10, 15, 15, 30]), [5, 0, 15]);
  assert.deepEqual(deltas([10]), []);
});

Deno.test("gcPauses: the main-thread pause of each --trace-gc line", () => {
  const trace = [
    "[25433:0x55ac1ccb3000]       71 ms: Scavenge 4.3 (5.0) -> 4.0 (5.8) MB, pooled: 0.0 MB, 3.69 / 0.00 ms " +
    "(average mu = 1.000, current mu = 1.000) allocation failure; ",
    "[25433:0x55ac1ccb3000]     9012 ms: Mark-Compact 40.1 (52.0) -> 22.3 (50.0) MB, pooled: 0.0 MB, " +
    "12.50 / 1.20 ms  (+ 3.1 ms in 20 steps since start of marking) (average mu = 0.9) finalize incremental;",
    "2026-11-29 18:08:37,712 INFO     {MainThread} [wca.runners.measurement] measuring every 1s",
    "",
  ].join("\n");
  assert.deepEqual(gcPauses(trace), [{ kind: "Scavenge", ms: 3.69 }, { kind: "Mark-Compact", ms: 12.5 }]);
  assert.deepEqual(gcPauses(""), []);
});

Deno.test("tracedIterationReads: read-only opens between the first two renames onto the output", () => {
  const out = "/tmp/b/metrics.prom";
  const trace = [
    `101 openat(AT_FDCWD, "/proc/stat", O_RDONLY|O_CLOEXEC) = 9`, // before the first rename: not counted
    `105 rename("/tmp/b/.metrics.prom.1.a.tmp", "${out}") = 0`,
    `101 openat(AT_FDCWD, "/proc/meminfo", O_RDONLY|O_CLOEXEC) = 9`,
    `101 openat(AT_FDCWD, "/sys/fs/cgroup/unified/x/cpu.pressure", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file)`,
    `101 openat(AT_FDCWD, "/sys/fs/cgroup/cpuacct/x", O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY) = 9`,
    `101 openat(AT_FDCWD, "/sys/fs/cgroup/memory/x/memory.stat", O_RDONLY|O_CLOEXEC <unfinished ...>`,
    `105 openat(AT_FDCWD, "/tmp/b/.metrics.prom.1.b.tmp", O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC, 0644) = 10`,
    `105 rename("/tmp/b/.metrics.prom.1.c.tmp", "/tmp/other.prom") = 0`,
    `101 open("/proc/self/statm", O_RDONLY) = 9`,
    `105 rename("/tmp/b/.metrics.prom.1.b.tmp", "${out}") = 0`,
    `101 openat(AT_FDCWD, "/proc/vmstat", O_RDONLY|O_CLOEXEC) = 9`,
  ].join("\n");
  assert.deepEqual(tracedIterationReads(trace, out), [
    "/proc/meminfo",
    "/sys/fs/cgroup/memory/x/memory.stat",
    "/proc/self/statm",
  ]);
  assert.equal(tracedIterationReads(trace.split("\n").slice(0, 4).join("\n"), out), undefined);
});

Deno.test("keptOpenReads and iterationReads: kernel files kept open join the traced opens once", () => {
  const links = [
    "/dev/null",
    "pipe:[123]",
    "/sys/fs/cgroup/cpuacct/x/cpuacct.usage",
    "/proc/77/statm",
    "/proc/stat",
  ];
  const kept = keptOpenReads(links, 77);
  assert.deepEqual(kept, ["/sys/fs/cgroup/cpuacct/x/cpuacct.usage", "/proc/self/statm", "/proc/stat"]);
  assert.deepEqual(iterationReads(["/proc/stat", "/proc/meminfo"], kept), [
    "/proc/stat",
    "/proc/meminfo",
    "/sys/fs/cgroup/cpuacct/x/cpuacct.usage",
    "/proc/self/statm",
  ]);
});

Deno.test("formatTable: numbers right-aligned, text left-aligned, a markdown rule", () => {
  assert.equal(
    formatTable(["name", "ms"], [["a", "1.5"], ["long", "10.25"]]),
    ["| name |    ms |", "| ---- | ----: |", "| a    |   1.5 |", "| long | 10.25 |"].join("\n"),
  );
});

Deno.test("formatRows: CPU is the median of the runs' medians, the ratio is to the C floor", () => {
  const row = {
    tasks: 10,
    files: 117,
    runMedians: [3, 2, 4],
    p99: 9.04,
    floor: 1.5,
    preadFloor: 0.25,
    rssMiB: 50,
    peakRssMiB: 55.55,
    fds: 24,
  };
  const [header, , line] = formatRows([row]).split("\n");
  const names = header!.split("|").slice(1, 8).map((cell) => cell.trim());
  assert.equal(names.join(", "), "tasks, files, CPU ms/iter, runs, p99 ms, C floor ms, ratio");
  assert.doesNotMatch(header!, /GC/);
  const cells = line!.split("|").slice(1, -1).map((cell) => cell.trim());
  assert.deepEqual(cells, [
    "10",
    "117",
    "3.00",
    "3.0 2.0 4.0",
    "9.0",
    "1.50",
    "2.00x",
    "0.25",
    "50.0",
    "55.5",
    "24",
  ]);
  assert.match(formatRows([{ ...row, maxGcPauseMs: 3.2 }]).split("\n")[0]!, /max GC pause ms/);
});

Deno.test("agentFlags: the packaged agent's flags, V8 flags joined into one list, later ones last", () => {
  const plain = agentFlags({ extraFlags: [], traceGc: false });
  assert.ok(plain.includes("--allow-ffi") && plain.includes("--deny-run"), plain.join(" "));
  assert.equal(plain.filter((flag) => flag.startsWith("--v8-flags=")).length, 1);
  const traced = agentFlags({ extraFlags: ["--v8-flags=--max-semi-space-size=4", "--quiet"], traceGc: true });
  const v8 = traced.filter((flag) => flag.startsWith("--v8-flags="));
  assert.equal(v8.length, 1);
  assert.match(v8[0]!, /--max-semi-space-size=1,--max-semi-space-size=4,--trace-gc$/);
  assert.ok(traced.includes("--quiet"));
});

Deno.test("agentConfig: the issue's measurement config over the given cgroups", () => {
  const config = agentConfig(["/wca-bench-1/t0000", "/wca-bench-1/t0001"], "/tmp/x/metrics.prom");
  assert.equal(
    config,
    [
      "runner: !MeasurementRunner",
      "  node: !StaticNode",
      "    tasks:",
      '      - "wca-bench-1/t0000"',
      '      - "wca-bench-1/t0001"',
      "  metrics_storage: !LogStorage",
      '    output_filename: "/tmp/x/metrics.prom"',
      "    overwrite: true",
      "  interval: 1.0",
      "",
    ].join("\n"),
  );
});
