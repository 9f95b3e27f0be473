/**
 * The floor of the measurement benchmark (measurement_bench.ts): real cgroups to measure, the exact
 * list of files one MeasurementRunner iteration reads, the time ONE `cat` (or perl) process takes to
 * read those same files, and a fresh agent process for the RSS figure.
 *
 * Run directly to check the list against the files an iteration really opens (needs strace):
 *
 *   deno run -A tests/runners/measurement_floor.ts --verify [N]
 */
import { type CgroupLayout, controllerMount, readCgroupLayout } from "../../src/platform/cgroup/mod.ts";
import type { Storage } from "../../src/components/interfaces.ts";
import { StaticNode } from "../../src/nodes/static_node.ts";
import { defaultHostPaths, type HostPaths } from "../../src/platform/host_paths.ts";
import { readOnlineNodes } from "../../src/platform/sysfs/mod.ts";
import { MeasurementRunner } from "../../src/runners/measurement/runner.ts";

const PREFIX = "wca-bench-";

/** cgroups created for a benchmark, each with one `sleep` in it, in every hierarchy we measure. */
export interface BenchCgroups {
  readonly layout: CgroupLayout;
  /** Mount points the cgroups exist in (cpuacct, cpu, memory and cgroup2 on a hybrid host). */
  readonly hierarchies: readonly string[];
  /** "/wca-bench-<pid>-<id>" */
  readonly parent: string;
  /** "/wca-bench-<pid>-<id>/t0000" … one per task. */
  readonly paths: readonly string[];
  /** Kills the sleeps and removes the cgroups; synchronous so an unload handler can call it. Idempotent. */
  cleanup(): void;
}

/** The mount points a task's cgroup must exist in to be measured in full on this host. */
export function benchHierarchies(layout: CgroupLayout): string[] {
  const mounts = [
    layout.v1.get("cpuacct") ?? layout.unified,
    layout.v1.get("cpu") ?? layout.unified,
    controllerMount(layout, "memory"),
    layout.unified,
  ];
  return [...new Set(mounts.flatMap((m) => m === undefined ? [] : [m.mountPoint]))];
}

/**
 * Creates `count` cgroups under a private parent in every hierarchy and starts one `sleep` in each,
 * all from a single shell loop (the shell stays as their parent and reaps them). Leftovers of an
 * earlier run that was killed outright are removed first.
 */
export async function createBenchCgroups(
  count: number,
  hostPaths = defaultHostPaths(),
): Promise<BenchCgroups> {
  if (Deno.uid() !== 0) throw new Error("the measurement benchmark needs root (it creates cgroups)");
  const layout = readCgroupLayout(hostPaths);
  const hierarchies = benchHierarchies(layout);
  removeStale(hierarchies);
  const parent = `/${PREFIX}${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const paths = Array.from({ length: count }, (_, i) => `${parent}/t${String(i).padStart(4, "0")}`);
  let done = false;
  const cleanup = () => {
    if (done) return;
    done = true;
    removeTree(hierarchies, parent);
  };
  try {
    for (const path of [parent, ...paths]) for (const mount of hierarchies) Deno.mkdirSync(mount + path);
    const script = [
      'for p in "$@"; do',
      "  sleep 900 &",
      '  for h in $HIERARCHIES; do echo $! > "$h$p/cgroup.procs"; done',
      "done",
      "echo ready",
      "wait",
    ].join("\n");
    const shell = new Deno.Command("sh", {
      args: ["-c", script, "sh", ...paths],
      env: { HIERARCHIES: hierarchies.join(" ") },
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = shell.stdout.getReader();
    const first = await reader.read();
    reader.releaseLock();
    await shell.stdout.cancel();
    if (!new TextDecoder().decode(first.value ?? new Uint8Array()).startsWith("ready")) {
      throw new Error("the shell that starts the sleeps did not report ready");
    }
    for (const path of paths) {
      for (const mount of hierarchies) {
        if (Deno.readTextFileSync(`${mount}${path}/cgroup.procs`).trim() === "") {
          throw new Error(`no process in ${mount}${path}`);
        }
      }
    }
    shell.unref();
    return { layout, hierarchies, parent, paths, cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}

/** Kills every process in the tree under `parent` and removes its cgroups, children first. */
function removeTree(hierarchies: readonly string[], parent: string): void {
  for (const mount of hierarchies) {
    for (const dir of cgroupDirs(mount + parent)) {
      for (const pid of readPids(dir)) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
  }
  for (const mount of hierarchies) {
    for (const dir of cgroupDirs(mount + parent).reverse()) removeDir(dir);
  }
}

/** `root` and every cgroup below it, parents before children; empty when `root` does not exist. */
function cgroupDirs(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    out.push(dir);
    for (const entry of Deno.readDirSync(dir)) if (entry.isDirectory) walk(`${dir}/${entry.name}`);
  };
  try {
    walk(root);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out;
}

function readPids(dir: string): number[] {
  try {
    return Deno.readTextFileSync(`${dir}/cgroup.procs`).split("\n").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** rmdir, retried for up to 5 s: a cgroup is removable a moment after its last process exits. */
function removeDir(dir: string): void {
  const until = Date.now() + 5000;
  for (;;) {
    try {
      Deno.removeSync(dir);
      return;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      if (Date.now() > until) throw error;
      const pause = Date.now() + 10;
      while (Date.now() < pause) { /* wait for the kernel */ }
    }
  }
}

/** Parents left by a benchmark whose process no longer exists (killed before it could clean up). */
function removeStale(hierarchies: readonly string[]): void {
  const stale = new Set<string>();
  for (const mount of hierarchies) {
    for (const entry of Deno.readDirSync(mount)) {
      const owner = new RegExp(`^${PREFIX}(\\d+)-`).exec(entry.name)?.[1];
      if (entry.isDirectory && owner !== undefined && !processExists(Number(owner))) {
        stale.add(`/${entry.name}`);
      }
    }
  }
  for (const parent of stale) removeTree(hierarchies, parent);
}

function processExists(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/** What the platform step reads, from the runner's parameters and host facts. */
export interface PlatformReads {
  readonly numaNodes: readonly number[];
  readonly vmstat: boolean;
  readonly zoneinfo: boolean;
}

/**
 * StaticNode's require_pids in the benchmark's runner: false, its default. Without it the node only
 * stats each task's directory (no open, so nothing for the floor to read); with it the node reads every
 * task's cgroup.procs.
 */
export const BENCH_REQUIRE_PIDS = false;

/**
 * Every file one MeasurementRunner iteration opens, in the order it opens them: the node's
 * cgroup.procs per task (StaticNode with require_pids only), the platform files, per task the CPU,
 * memory and pressure files (src/platform/cgroup/measurements.ts), then /proc/self/statm for the
 * agent's RSS. `--verify` checks this list against strace.
 */
export function iterationFiles(
  hostPaths: HostPaths,
  layout: CgroupLayout,
  taskPaths: readonly string[],
  platform: PlatformReads,
  requirePids = BENCH_REQUIRE_PIDS,
): string[] {
  const files: string[] = [];
  const nodeMount = layout.v1.get("cpuacct") ?? layout.v1.get("cpu") ?? layout.unified;
  if (requirePids) {
    for (const path of taskPaths) {
      files.push(`${nodeMount!.mountPoint}${path}/cgroup.procs`);
    }
  }
  const node = (n: number, name: string) => `${hostPaths.sys}/devices/system/node/node${n}/${name}`;
  files.push(`${hostPaths.proc}/stat`, `${hostPaths.proc}/meminfo`);
  for (const n of platform.numaNodes) files.push(node(n, "meminfo"));
  if (platform.vmstat) {
    files.push(`${hostPaths.proc}/vmstat`);
    for (const n of platform.numaNodes) files.push(node(n, "vmstat"));
  }
  if (platform.zoneinfo) files.push(`${hostPaths.proc}/zoneinfo`);
  const cpu = layout.v1.get("cpuacct") ?? layout.unified;
  const memory = controllerMount(layout, "memory");
  const cpuFiles = cpu?.version === 1 ? ["cpuacct.usage", "tasks"] : ["cpu.stat", "cgroup.threads"];
  const memoryFiles = memory?.version === 1
    ? [
      "memory.usage_in_bytes",
      "memory.max_usage_in_bytes",
      "memory.limit_in_bytes",
      "memory.soft_limit_in_bytes",
      "memory.numa_stat",
      "memory.stat",
    ]
    : ["memory.current", "memory.peak", "memory.max", "memory.low", "memory.numa_stat", "memory.stat"];
  for (const path of taskPaths) {
    for (const name of cpu ? cpuFiles : []) files.push(`${cpu!.mountPoint}${path}/${name}`);
    for (const name of memory ? memoryFiles : []) files.push(`${memory!.mountPoint}${path}/${name}`);
    if (layout.unified) {
      for (const name of ["cpu.pressure", "memory.pressure", "io.pressure"]) {
        files.push(`${layout.unified.mountPoint}${path}/${name}`);
      }
    }
  }
  // wca_mem_usage_bytes: Deno.memoryUsage() reads the agent's own statm.
  files.push(`${hostPaths.proc}/self/statm`);
  return files;
}

/** perl's smallest loop over the files: open, sysread until EOF into one buffer, close. */
const PERL_READ_ALL =
  'my $b; for (@ARGV) { open(my $f, "<", $_) or die "$_: $!\\n"; 1 while sysread($f, $b, 65536); close $f }';

/**
 * The readers a floor is measured with: `cat`, and a perl loop doing only open/read/close (GNU cat
 * also stats, advises, maps and unmaps a 128 KiB buffer for every file, so it is the looser floor).
 */
export const FLOOR_READERS = {
  cat: ["cat"],
  perl: ["perl", "-e", PERL_READ_ALL],
} as const satisfies Record<string, readonly string[]>;

/**
 * Seconds ONE reader process takes to read `files` to /dev/null, from spawn to exit; with `check`,
 * throws unless it read every file. 1000 tasks make about 0.9 MB of arguments, under Linux's usual 2 MB.
 */
export async function floorSeconds(
  reader: keyof typeof FLOOR_READERS,
  files: readonly string[],
  check = false,
): Promise<number> {
  const [command, ...fixed] = FLOOR_READERS[reader];
  const started = performance.now();
  const output = await new Deno.Command(command, {
    args: [...fixed, ...files],
    stdout: "null",
    stderr: check ? "piped" : "null",
  }).output();
  const seconds = (performance.now() - started) / 1000;
  if (check && !output.success) {
    const reason = new TextDecoder().decode(output.stderr).slice(0, 500);
    throw new Error(`${reader} could not read every file: ${reason}`);
  }
  return seconds;
}

/** A MeasurementRunner over `taskPaths` with StaticNode (names relative to "/"), as an agent has one. */
export function benchRunner(taskPaths: readonly string[], storage: Storage, hostPaths = defaultHostPaths()) {
  const context = { hostPaths };
  const node = new StaticNode(
    StaticNode.schema.parse({ tasks: taskPaths.map((p) => p.slice(1)), require_pids: BENCH_REQUIRE_PIDS }),
    context,
  );
  const runner = new MeasurementRunner(
    MeasurementRunner.schema.parse({ node, metrics_storage: storage }),
    context,
  );
  return { runner, facts: runner.hostFacts() };
}

/** A fresh agent process: RSS before its first iteration and after the others. */
export interface AgentFootprint {
  readonly rssStartBytes: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
}

const DENO_JSON = new URL("../../deno.json", import.meta.url).pathname;
const BEGIN = "/wca-floor-marker-begin";
const END = "/wca-floor-marker-end";

/** `deno run` of this file as an agent: no benchmark harness or type checker shares its memory. */
function agentCommand(iterations: number, taskPaths: readonly string[]): string[] {
  const self = new URL(import.meta.url).pathname;
  return [
    Deno.execPath(),
    "run",
    "-A",
    "--frozen",
    "--config",
    DENO_JSON,
    self,
    "--agent",
    String(iterations),
    ...taskPaths,
  ];
}

/** Runs a warm-up and then `iterations` over `taskPaths` in a child process; its memory afterwards. */
export async function agentFootprint(
  taskPaths: readonly string[],
  iterations: number,
): Promise<AgentFootprint> {
  const [command, ...args] = agentCommand(iterations, taskPaths);
  const output = await new Deno.Command(command!, { args, stdout: "piped", stderr: "inherit" }).output();
  if (!output.success) throw new Error("the agent child process failed");
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

/** The child: one warm-up iteration, then `iterations` between open() markers strace can see. */
async function agentChild(iterations: number, taskPaths: readonly string[]): Promise<void> {
  const { runner, facts } = benchRunner(taskPaths, { store() {} });
  const rssStartBytes = Deno.memoryUsage().rss;
  const mark = (path: string) => {
    try {
      Deno.openSync(path).close();
    } catch {
      // it does not exist: only the attempt matters
    }
  };
  await runner.iterate(facts, { host: "bench" });
  mark(BEGIN);
  for (let i = 0; i < iterations; i++) await runner.iterate(facts, { host: "bench" });
  mark(END);
  const { rss, heapUsed } = Deno.memoryUsage();
  const footprint: AgentFootprint = { rssStartBytes, rssBytes: rss, heapUsedBytes: heapUsed };
  console.log(JSON.stringify(footprint));
}

/** Runs one iteration in a child process under strace and compares what it opened with iterationFiles. */
async function verify(count: number): Promise<boolean> {
  const groups = await createBenchCgroups(count);
  const trace = await Deno.makeTempFile({ prefix: "wca-floor-strace-" });
  try {
    const strace = ["-f", "-qq", "-e", "trace=open,openat,openat2", "-o", trace];
    const child = await new Deno.Command("strace", {
      args: [...strace, ...agentCommand(1, groups.paths)],
      stdout: "null",
    }).output();
    if (!child.success) throw new Error("the traced iteration failed");
    const opened = tracedOpens(Deno.readTextFileSync(trace));
    const hostPaths = defaultHostPaths();
    const expected = iterationFiles(hostPaths, groups.layout, groups.paths, platformReads(hostPaths));
    const missing = difference(expected, opened);
    const extra = difference(opened, expected);
    console.log(`iterationFiles: ${expected.length} files; the iteration opened ${opened.length}`);
    console.log(`listed but not opened: ${missing.length ? missing.join(", ") : "none"}`);
    console.log(`opened but not listed: ${extra.length ? extra.join(", ") : "none"}`);
    return missing.length === 0 && extra.length === 0;
  } finally {
    Deno.removeSync(trace);
    groups.cleanup();
  }
}

/** Paths opened between the markers, in order. */
function tracedOpens(trace: string): string[] {
  const out: string[] = [];
  let inside = false;
  for (const line of trace.split("\n")) {
    const path = /open(?:at2?)?\((?:[^,]+, )?"([^"]+)"/.exec(line)?.[1];
    if (path === BEGIN) inside = true;
    else if (path === END) inside = false;
    else if (inside && path !== undefined) out.push(path);
  }
  return out;
}

/** The elements of `a` not matched one for one in `b`. */
function difference(a: readonly string[], b: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const x of b) counts.set(x, (counts.get(x) ?? 0) + 1);
  return a.filter((x) => {
    const left = counts.get(x) ?? 0;
    counts.set(x, left - 1);
    return left <= 0;
  });
}

/** The platform reads of a runner with default parameters (vmstat and zoneinfo on) on this host. */
export function platformReads(hostPaths: HostPaths): PlatformReads {
  return { numaNodes: readOnlineNodes(hostPaths), vmstat: true, zoneinfo: true };
}

if (import.meta.main) {
  const [mode, ...rest] = Deno.args;
  if (mode === "--agent") await agentChild(Number(rest[0]), rest.slice(1));
  else if (mode === "--verify") Deno.exit(await verify(Number(rest[0] ?? 10)) ? 0 : 1);
  else {
    console.error("usage: measurement_floor.ts --verify [N]");
    Deno.exit(2);
  }
}
