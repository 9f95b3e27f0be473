/**
 * The agent as users run it (`deno run … src/main.ts -c CONFIG`), watched from outside: its threads'
 * CPU from schedstat, its memory from status, its descriptors, and its iteration boundaries from the
 * renames LogStorage (overwrite: true) makes of its output file.
 */
import { join } from "node:path";
import { ENTRY_POINTS } from "../.ci/package.ts";
import { gcPauses, keptOpenReads, parseSchedstat, statusBytes, tracedIterationReads } from "./stats.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const WCA = ENTRY_POINTS.find((entry) => entry.name === "wca")!;

export interface AgentOptions {
  /** Cgroup paths ("/wca-bench-…/t0000"), one task each. */
  readonly taskPaths: readonly string[];
  /** A private directory for the config, the output file and the agent's stdout/stderr. */
  readonly dir: string;
  /** Flags for `deno run` before the script, added to the packaged agent's own (e.g. --v8-flags=…). */
  readonly extraFlags: readonly string[];
  readonly traceGc: boolean;
}

/** The config of the measurement: MeasurementRunner, StaticNode, LogStorage overwriting a file. */
export function agentConfig(taskPaths: readonly string[], output: string): string {
  return [
    "runner: !MeasurementRunner",
    "  node: !StaticNode",
    "    tasks:",
    ...taskPaths.map((path) => `      - ${JSON.stringify(path.slice(1))}`),
    "  metrics_storage: !LogStorage",
    `    output_filename: ${JSON.stringify(output)}`,
    "    overwrite: true",
    "  interval: 1.0",
    "",
  ].join("\n");
}

/**
 * The deno flags the agent runs with: the packaged entry point's, then the benchmark's. Every V8 flag
 * goes into one --v8-flags list, in that order (V8 applies them in turn, so a later one wins).
 */
export function agentFlags(options: Pick<AgentOptions, "extraFlags" | "traceGc">): string[] {
  const flags = [...WCA.permissions, ...options.extraFlags];
  const v8 = flags.filter((flag) => flag.startsWith("--v8-flags=")).map((flag) =>
    flag.slice("--v8-flags=".length)
  );
  if (options.traceGc) v8.push("--trace-gc");
  const rest = flags.filter((flag) => !flag.startsWith("--v8-flags="));
  return v8.length ? [...rest, `--v8-flags=${v8.join(",")}`] : rest;
}

export class AgentProcess {
  readonly pid: number;
  readonly output: string;
  readonly #child: Deno.ChildProcess;
  readonly #stdout: string;
  readonly #stderr: string;
  #ino: number | bigint | null = null;

  private constructor(child: Deno.ChildProcess, output: string, stdout: string, stderr: string) {
    this.#child = child;
    this.pid = child.pid;
    this.output = output;
    this.#stdout = stdout;
    this.#stderr = stderr;
  }

  static start(options: AgentOptions): AgentProcess {
    const output = join(options.dir, "metrics.prom");
    const config = join(options.dir, "wca.yaml");
    Deno.writeTextFileSync(config, agentConfig(options.taskPaths, output));
    const stdout = join(options.dir, "stdout");
    const stderr = join(options.dir, "stderr");
    const command = [Deno.execPath(), "run", ...agentFlags(options), "src/main.ts", "-c", config, "--root"];
    // exec: the shell only redirects, so the pid is the agent's.
    const child = new Deno.Command("sh", {
      args: ["-c", 'exec "$@" >"$WCA_BENCH_OUT" 2>"$WCA_BENCH_ERR"', "sh", ...command],
      cwd: ROOT,
      env: { NO_COLOR: "1", WCA_BENCH_OUT: stdout, WCA_BENCH_ERR: stderr },
      stdin: "null",
    }).spawn();
    return new AgentProcess(child, output, stdout, stderr);
  }

  /** CPU nanoseconds of all the agent's live threads. */
  cpuNs(): number {
    let total = 0;
    for (const entry of Deno.readDirSync(`/proc/${this.pid}/task`)) {
      try {
        total += parseSchedstat(Deno.readTextFileSync(`/proc/${this.pid}/task/${entry.name}/schedstat`));
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error; // a thread that just ended
      }
    }
    return total;
  }

  /** VmRSS and VmHWM in bytes. */
  memory(): { rss: number; peak: number } {
    const status = Deno.readTextFileSync(`/proc/${this.pid}/status`);
    return { rss: statusBytes(status, "VmRSS") ?? NaN, peak: statusBytes(status, "VmHWM") ?? NaN };
  }

  /** Targets of the agent's open descriptors. */
  fdLinks(): string[] {
    const links: string[] = [];
    for (const entry of Deno.readDirSync(`/proc/${this.pid}/fd`)) {
      try {
        links.push(Deno.readLinkSync(`/proc/${this.pid}/fd/${entry.name}`));
      } catch {
        // closed meanwhile
      }
    }
    return links;
  }

  /**
   * Waits for the next iteration's end (the output file replaced by a new inode), polling every 5 ms;
   * the agent is idle right after a rename, so the boundary is sharp. Throws when the agent exits or
   * nothing comes within `timeoutMs`.
   */
  async nextIteration(timeoutMs = 30_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      let ino: number | bigint | null = null;
      try {
        ino = Deno.statSync(this.output).ino;
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
      if (ino !== null && ino !== this.#ino) {
        this.#ino = ino;
        return;
      }
      if (!this.#alive()) throw new Error(`the agent exited; its stderr:\n${this.#tail(this.#stderr)}`);
      if (performance.now() > deadline) {
        throw new Error(
          `no iteration ended within ${timeoutMs} ms; the agent's stderr:\n${this.#tail(this.#stderr)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** The files one iteration reads: traced with strace (opens) plus the descriptors it keeps open. */
  async iterationReads(dir: string): Promise<{ opened: string[]; keptOpen: string[] }> {
    const log = join(dir, "strace.log");
    let strace: Deno.ChildProcess;
    try {
      strace = new Deno.Command("strace", {
        args: [
          "-f",
          "-qq",
          "-e",
          "trace=open,openat,openat2,rename,renameat,renameat2",
          "-o",
          log,
          "-p",
          String(this.pid),
        ],
        stdout: "null",
        stderr: "null",
      }).spawn();
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      throw new Error(
        "strace lists the files an iteration reads and is not installed (apt-get install strace)",
      );
    }
    try {
      // Attaching takes a moment: three boundaries leave at least one whole iteration in the log.
      for (let i = 0; i < 3; i++) await this.nextIteration();
    } finally {
      strace.kill("SIGINT");
      await strace.status;
    }
    const opened = tracedIterationReads(Deno.readTextFileSync(log), this.output);
    if (opened === undefined) throw new Error(`strace saw no whole iteration of the agent (see ${log})`);
    return { opened, keptOpen: keptOpenReads(this.fdLinks(), this.pid) };
  }

  /** Bytes the agent has printed to stdout so far: where --trace-gc lines of the counted iterations begin. */
  stdoutSize(): number {
    return Deno.statSync(this.#stdout).size;
  }

  /** GC pauses the agent printed (--trace-gc) between two stdoutSize() marks. */
  gcPauses(from: number, to: number): { kind: string; ms: number }[] {
    return gcPauses(new TextDecoder().decode(Deno.readFileSync(this.#stdout).subarray(from, to)));
  }

  /** SIGTERM, then waits for the exit; SIGKILL after 10 s. */
  async stop(): Promise<void> {
    if (this.#alive()) {
      this.#child.kill("SIGTERM");
      const timer = setTimeout(() => this.#child.kill("SIGKILL"), 10_000);
      await this.#child.status;
      clearTimeout(timer);
    } else await this.#child.status;
  }

  /** Ends the agent at once (cleanup after a failure). */
  kill(): void {
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }

  #alive(): boolean {
    try {
      const state = Deno.readTextFileSync(`/proc/${this.pid}/stat`).split(") ")[1]?.[0];
      return state !== undefined && state !== "Z" && state !== "X";
    } catch {
      return false;
    }
  }

  #tail(path: string): string {
    try {
      return Deno.readTextFileSync(path).split("\n").slice(-20).join("\n");
    } catch {
      return "(none)";
    }
  }
}
