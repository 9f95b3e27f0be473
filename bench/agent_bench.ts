/**
 * `deno task bench`: the agent users run, over N = 10, 100 and 1000 real cgroups each holding one
 * `sleep`, beside the floor measured in the same run: a small C program (floor.c) that opens, reads and
 * closes exactly the files one agent iteration reads. Needs root, gcc and strace. Figures, not verdicts.
 *
 *   deno run -A bench/agent_bench.ts [--sizes 10,100,1000] [--runs 3] [--iterations 20] [--warmup 5]
 *                                    [--trace-gc] [--flags="--v8-flags=…"] [--json FILE]
 *
 * Per N and run: a fresh agent process (`deno run` of src/main.ts with the packaged agent's flags,
 * MeasurementRunner, StaticNode over the N cgroups, interval 1.0, LogStorage overwrite: true). Each
 * iteration ends with a rename of the output file; the CPU of all the agent's threads
 * (/proc/PID/task/∗/schedstat) between two renames is one iteration's CPU. The files of an iteration come
 * from the agent itself: strace of one iteration (opens) plus its open descriptors (files kept open).
 */
import { parseArgs } from "node:util";
import { readCgroupLayout } from "../src/platform/cgroup/mod.ts";
import { defaultHostPaths } from "../src/platform/host_paths.ts";
import { createBenchCgroups } from "../tests/runners/measurement_floor.ts";
import { AgentProcess } from "./agent_process.ts";
import { type BenchRow, deltas, formatRows, iterationReads, median, percentile } from "./stats.ts";

const MiB = 1024 * 1024;

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    sizes: { type: "string", default: "10,100,1000" },
    runs: { type: "string", default: "3" },
    iterations: { type: "string", default: "20" },
    warmup: { type: "string", default: "5" },
    "floor-passes": { type: "string", default: "10" },
    "trace-gc": { type: "boolean", default: false },
    flags: { type: "string", default: "" },
    json: { type: "string" },
  },
});

function positive(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`agent_bench: --${name} expects a positive integer, got ${JSON.stringify(text)}`);
    Deno.exit(2);
  }
  return value;
}

const sizes = args.sizes.split(",").map((size) => positive("sizes", size));
const runs = positive("runs", args.runs);
const iterations = positive("iterations", args.iterations);
const warmup = positive("warmup", args.warmup);
const floorPasses = positive("floor-passes", args["floor-passes"]);
const extraFlags = args.flags.split(/\s+/).filter(Boolean);

function hostDescription(): string {
  const model = /^Model name:\s*(.+)$/m.exec(
    new TextDecoder().decode(new Deno.Command("lscpu", { stdout: "piped" }).outputSync().stdout),
  )?.[1];
  const layout = readCgroupLayout(defaultHostPaths());
  const v1 = [...layout.v1.keys()].sort().join(",");
  return [
    `host: ${model ?? "unknown CPU"}, ${navigator.hardwareConcurrency} CPUs, kernel ${Deno.osRelease()}`,
    `cgroups: ${layout.mode}${v1 ? ` (v1: ${v1})` : ""}${
      layout.unified ? `, cgroup2 at ${layout.unified.mountPoint}` : ""
    }`,
    `deno ${Deno.version.deno}, agent flags: ${extraFlags.join(" ") || "(the packaged agent's)"}`,
    `load average: ${Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ")}`,
  ].join("\n");
}

/** Builds floor.c into `dir`; gcc is the one tool this needs beyond the agent's. */
function buildFloor(dir: string): string {
  const binary = `${dir}/floor`;
  const source = new URL("./floor.c", import.meta.url).pathname;
  const gcc = new Deno.Command("gcc", { args: ["-O2", "-o", binary, source], stderr: "piped" });
  let result;
  try {
    result = gcc.outputSync();
  } catch (error) {
    throw new Error(`cannot run gcc to build the C floor (apt-get install gcc): ${(error as Error).message}`);
  }
  if (!result.success) {
    throw new Error(`gcc failed on ${source}:\n${new TextDecoder().decode(result.stderr)}`);
  }
  return binary;
}

/** Median CPU ms of one pass of the floor over `files` (mode open: open/read/close; pread: kept-open fds). */
function floorMs(binary: string, mode: "open" | "pread", list: string): number[] {
  const result = new Deno.Command(binary, {
    args: [mode, String(floorPasses), list],
    stdout: "piped",
    stderr: "piped",
  })
    .outputSync();
  if (!result.success) throw new Error(new TextDecoder().decode(result.stderr).trim());
  return new TextDecoder().decode(result.stdout).trim().split("\n").map((ns) => Number(ns) / 1e6);
}

interface RunResult {
  readonly cpuMs: number[];
  readonly rss: number[];
  readonly peak: number;
  readonly fds: number;
  readonly gcPauses: number[];
  readonly files: string[] | undefined;
}

/** One agent process: warm-up, the file list (first run only), then the counted iterations. */
async function runAgent(taskPaths: readonly string[], dir: string, listFiles: boolean): Promise<RunResult> {
  const agent = AgentProcess.start({ taskPaths, dir, extraFlags, traceGc: args["trace-gc"] });
  try {
    for (let i = 0; i < warmup; i++) await agent.nextIteration(120_000);
    let files: string[] | undefined;
    if (listFiles) {
      const reads = await agent.iterationReads(dir);
      files = iterationReads(reads.opened, reads.keptOpen);
      await agent.nextIteration(); // one more, so strace's slowdown is behind us
    }
    const gcFrom = agent.stdoutSize();
    const cpu = [agent.cpuNs()];
    const rss: number[] = [];
    for (let i = 0; i < iterations; i++) {
      await agent.nextIteration();
      cpu.push(agent.cpuNs());
      rss.push(agent.memory().rss);
    }
    const gcTo = agent.stdoutSize();
    const result = {
      cpuMs: deltas(cpu).map((ns) => ns / 1e6),
      rss,
      peak: agent.memory().peak,
      fds: agent.fdLinks().length,
      gcPauses: agent.gcPauses(gcFrom, gcTo).map((pause) => pause.ms),
      files,
    };
    await agent.stop();
    return result;
  } finally {
    agent.kill();
  }
}

async function benchSize(taskPaths: readonly string[], floor: string, dir: string): Promise<BenchRow> {
  const results: RunResult[] = [];
  const floorOpen: number[] = [];
  const floorPread: number[] = [];
  let files: string[] = [];
  for (let run = 0; run < runs; run++) {
    const runDir = Deno.makeTempDirSync({ dir, prefix: `n${taskPaths.length}-run${run}-` });
    const result = await runAgent(taskPaths, runDir, run === 0);
    results.push(result);
    if (result.files) {
      files = result.files;
      Deno.writeTextFileSync(`${dir}/files-${taskPaths.length}`, files.join("\n") + "\n");
    }
    // The floor between the agent's runs, so both see the same state of the machine.
    floorOpen.push(...floorMs(floor, "open", `${dir}/files-${taskPaths.length}`));
    floorPread.push(...floorMs(floor, "pread", `${dir}/files-${taskPaths.length}`));
    const m = median(result.cpuMs);
    console.error(`  N=${taskPaths.length} run ${run + 1}/${runs}: ${m.toFixed(2)} CPU ms/iteration`);
  }
  const pauses = results.flatMap((r) => r.gcPauses);
  return {
    tasks: taskPaths.length,
    files: files.length,
    runMedians: results.map((r) => median(r.cpuMs)),
    p99: percentile(results.flatMap((r) => r.cpuMs), 99),
    floor: median(floorOpen),
    preadFloor: median(floorPread),
    rssMiB: median(results.flatMap((r) => r.rss)) / MiB,
    peakRssMiB: Math.max(...results.map((r) => r.peak)) / MiB,
    fds: Math.max(...results.map((r) => r.fds)),
    ...(args["trace-gc"] ? { maxGcPauseMs: pauses.length ? Math.max(...pauses) : 0 } : {}),
  };
}

async function main(): Promise<void> {
  const host = hostDescription();
  console.log(host);
  const dir = Deno.makeTempDirSync({ prefix: "wca-agent-bench-" });
  const groups = await createBenchCgroups(Math.max(...sizes));
  const cleanup = () => {
    groups.cleanup();
    Deno.removeSync(dir, { recursive: true });
  };
  const onSignal = () => {
    cleanup();
    Deno.exit(130);
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  const rows: BenchRow[] = [];
  try {
    const floor = buildFloor(dir);
    for (const size of sizes) {
      console.error(`N=${size}: ${runs} runs of ${warmup} + ${iterations} iterations`);
      rows.push(await benchSize(groups.paths.slice(0, size), floor, dir));
    }
  } finally {
    cleanup();
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
  }
  console.log(`${runs} runs × ${iterations} iterations after ${warmup} warm-up; CPU of all threads\n`);
  console.log(formatRows(rows));
  if (args.json) Deno.writeTextFileSync(args.json, JSON.stringify({ host, rows }, null, 2) + "\n");
}

if (import.meta.main) await main();
