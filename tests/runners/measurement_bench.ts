/**
 * MeasurementRunner iterations over 10, 100 and 1000 real cgroups, beside the floor: ONE `cat` process
 * reading exactly the files an iteration reads (and, tighter, one perl open/read/close loop over them;
 * see measurement_floor.ts). Needs root.
 *
 * Every cgroup exists in the cpuacct, cpu and memory hierarchies and in cgroup2 (on a hybrid host, so
 * the pressure files are read too) and holds one `sleep`. Deno's table gives the wall time per
 * iteration; the tables printed after it add CPU time, the runner's own time per step, the ratios to
 * the floors, and the RSS of a fresh agent process. Aims: 1000 tasks under 100 ms per iteration and
 * within 3x the cat floor. These are figures, not assertions.
 */
import process from "node:process";
import type { Storage } from "../../src/components/interfaces.ts";
import type { Metric } from "../../src/metrics/metric.ts";
import { defaultHostPaths } from "../../src/platform/host_paths.ts";
import { LogStorage } from "../../src/storages/log_storage.ts";
import {
  type AgentFootprint,
  agentFootprint,
  benchRunner,
  createBenchCgroups,
  floorSeconds,
  iterationFiles,
  platformReads,
} from "./measurement_floor.ts";

const SIZES = [10, 100, 1000] as const;
/** Iterations Deno.bench is asked for, per size (after our own warm-up). */
const ROUNDS: Record<number, number> = { 10: 200, 100: 100, 1000: 30 };
const AIM_MS = 100;
const AIM_RATIO = 3;
/** Iterations of the fresh agent process before its RSS is taken. */
const FOOTPRINT_ITERATIONS = 30;

const hostPaths = defaultHostPaths();
const loadBefore = Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
const groups = await createBenchCgroups(Math.max(...SIZES), hostPaths);

const discard: Storage = { store() {} };
const commonLabels = { host: "bench" };

interface Series {
  readonly wallMs: number[];
  readonly cpuMs: number[];
  readonly steps: Map<string, number[]>;
}

function series(): Series {
  return { wallMs: [], cpuMs: [], steps: new Map() };
}

interface SizeResults {
  readonly files: number;
  readonly cat: Series;
  readonly perl: Series;
  readonly discard: Series;
  readonly log: Series;
  readonly footprint: AgentFootprint;
}

const results = new Map<number, SizeResults>();

let reported = false;
function report(): void {
  if (reported) return;
  reported = true;
  try {
    if (results.size > 0) console.log(formatReport());
  } finally {
    groups.cleanup();
  }
}
globalThis.addEventListener("unload", report);
for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  Deno.addSignalListener(signal, () => {
    groups.cleanup();
    Deno.exit(code);
  });
}

/** A bench body: one iteration, its wall and CPU time, and the runner's own time per step. */
function iterationBench(size: number, storage: Storage, into: Series): () => Promise<void> {
  const { runner, facts } = benchRunner(groups.paths.slice(0, size), storage, hostPaths);
  return async () => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const metrics = await runner.iterate(facts, commonLabels);
    into.wallMs.push(performance.now() - t0);
    const cpu = process.cpuUsage(cpu0);
    into.cpuMs.push((cpu.user + cpu.system) / 1000);
    recordSteps(metrics, into.steps);
    const measured = metrics.filter((m) => m.name === "task_up").length;
    if (measured !== size) throw new Error(`${measured} of ${size} tasks were measured`);
  };
}

/** wca_duration_seconds{function}: "store" is the previous iteration's, as the runner reports it. */
function recordSteps(metrics: readonly Metric[], steps: Map<string, number[]>): void {
  for (const m of metrics) {
    if (m.name !== "wca_duration_seconds" || m.labels.function === undefined) continue;
    const list = steps.get(m.labels.function) ?? [];
    list.push(m.value * 1000);
    steps.set(m.labels.function, list);
  }
}

try {
  for (const size of SIZES) await prepare(size);
} catch (error) {
  groups.cleanup();
  throw error;
}

/** Measures the fresh agent's footprint, warms up, and registers the benches of one size. */
async function prepare(size: number): Promise<void> {
  const paths = groups.paths.slice(0, size);
  const files = iterationFiles(hostPaths, groups.layout, paths, platformReads(hostPaths));
  await floorSeconds("cat", files, true);
  await floorSeconds("perl", files, true);
  const row: SizeResults = {
    files: files.length,
    cat: series(),
    perl: series(),
    discard: series(),
    log: series(),
    footprint: await agentFootprint(paths, FOOTPRINT_ITERATIONS),
  };
  results.set(size, row);
  const bodies = {
    discard: iterationBench(size, discard, row.discard),
    log: iterationBench(size, new LogStorage({ output_filename: "/dev/null" }), row.log),
  };
  // Warm up (JIT, the kernel's caches) outside the samples.
  for (let i = 0; i < 5; i++) {
    await floorSeconds("cat", files);
    await floorSeconds("perl", files);
    await bodies.discard();
    await bodies.log();
  }
  for (const s of [row.cat, row.perl, row.discard, row.log]) {
    s.wallMs.length = s.cpuMs.length = 0;
    s.steps.clear();
  }

  const common = { group: `${size} tasks`, n: ROUNDS[size], warmup: 1 };
  Deno.bench({
    ...common,
    name: `floor: one cat reading the same ${files.length} files`,
    baseline: true,
    async fn() {
      row.cat.wallMs.push((await floorSeconds("cat", files)) * 1000);
    },
  });
  Deno.bench({
    ...common,
    name: `reference: one perl open/read/close loop over them`,
    async fn() {
      row.perl.wallMs.push((await floorSeconds("perl", files)) * 1000);
    },
  });
  Deno.bench({ ...common, name: `iteration, ${size} tasks, discarding storage`, fn: bodies.discard });
  Deno.bench({ ...common, name: `iteration, ${size} tasks, LogStorage to /dev/null`, fn: bodies.log });
}

function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const median = (values: readonly number[]) => quantile(values, 0.5);
const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1);

/** A markdown table, numbers right-aligned. */
function table(header: readonly string[], rows: readonly string[][], leftColumns: number): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => i < leftColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)).join(" | ")} |`;
  return [line(header), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...rows.map(line)];
}

function formatReport(): string {
  const timings: string[][] = [];
  const footprints: string[][] = [];
  const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
  for (const [size, row] of results) {
    const cat = median(row.cat.wallMs);
    const perl = median(row.perl.wallMs);
    for (const [storage, s] of [["discard", row.discard], ["LogStorage", row.log]] as const) {
      const wall = median(s.wallMs);
      const step = (name: string) => ms(median(s.steps.get(name) ?? []));
      timings.push([
        String(size),
        String(row.files),
        storage,
        String(s.wallMs.length),
        ms(wall),
        ms(quantile(s.wallMs, 0.9)),
        ms(median(s.cpuMs)),
        step("node"),
        step("platform"),
        step("tasks"),
        step("store"),
        ms(cat),
        `${(wall / cat).toFixed(2)}x`,
        ms(perl),
        `${(wall / perl).toFixed(2)}x`,
      ]);
    }
    const f = row.footprint;
    footprints.push([String(size), mib(f.rssStartBytes), mib(f.rssBytes), mib(f.heapUsedBytes)]);
  }
  const loadAfter = Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
  const out = [
    "",
    "MeasurementRunner, per iteration (medians; CPU = user + system time of the whole process, all",
    "threads; node/platform/tasks/store = the runner's own wca_duration_seconds; floors = one process",
    "reading the same files, spawn to exit)",
    "",
    ...table(
      [
        "tasks",
        "files",
        "storage",
        "n",
        "wall ms",
        "p90 ms",
        "CPU ms",
        "node",
        "platform",
        "tasks",
        "store",
        "cat ms",
        "wall/cat",
        "perl ms",
        "wall/perl",
      ],
      timings,
      3,
    ),
    "",
    `A fresh agent process (deno run, discarding storage): RSS before the first iteration and after ${
      FOOTPRINT_ITERATIONS + 1
    }`,
    "",
    ...table(["tasks", "RSS MiB before", "RSS MiB after", "V8 heap used MiB"], footprints, 0),
    "",
  ];
  const big = results.get(1000);
  if (big && big.discard.wallMs.length > 0) {
    const wall = median(big.discard.wallMs);
    const ratio = wall / median(big.cat.wallMs);
    out.push(
      `aim: 1000 tasks under ${AIM_MS} ms per iteration: ${wall < AIM_MS ? "MET" : "MISSED"} (${
        ms(wall)
      } ms)`,
      `aim: within ${AIM_RATIO}x the cat floor: ${ratio <= AIM_RATIO ? "MET" : "MISSED"} (${
        ratio.toFixed(2)
      }x)`,
    );
  }
  out.push(
    `host: ${navigator.hardwareConcurrency} CPUs, kernel ${Deno.osRelease()}, Deno ${Deno.version.deno}, ` +
      `cgroup ${groups.layout.mode}; load average before ${loadBefore}, after ${loadAfter} ` +
      "(the CPUs are shared with other test runs)",
    "",
  );
  return out.join("\n");
}
