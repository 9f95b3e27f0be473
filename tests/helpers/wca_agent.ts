/** The agent as a running subprocess (`wca --root …`), its output collected as it comes. */
import assert from "node:assert/strict";
import { ENTRY_POINTS } from "../../.ci/package.ts";
import { ROOT, ROOT_FLAG } from "./wca_process.ts";

const ENTRY = ENTRY_POINTS.find((entry) => entry.name === "wca")!;
/** As the packaged agent runs: its flags from src/cli/permissions.ts (permissions and V8 flags). */
const DENO_FLAGS: readonly string[] = ENTRY.permissions;
/** Deno starts in well under a second here; the deadlines leave room for a loaded CI host. */
const START_MS = 10_000;
const EXIT_MS = 10_000;

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The agent as a running subprocess whose output is collected as it comes. */
export class Agent {
  readonly #child: Deno.ChildProcess;
  readonly #collected: Promise<void>;
  #exited = false;
  stdout = "";
  stderr = "";

  /**
   * `wca ARGS` from the source by default; `executable` runs another form of it (a packaged file) with
   * exactly `env` as its environment, in `cwd`.
   */
  constructor(args: string[], executable?: { path: string; env: Record<string, string>; cwd: string }) {
    const command = executable?.path ?? Deno.execPath();
    const prefix = executable ? [] : ["run", ...DENO_FLAGS, "src/main.ts"];
    this.#child = new Deno.Command(command, {
      args: [...prefix, ...ROOT_FLAG, ...args],
      cwd: executable?.cwd ?? ROOT,
      clearEnv: executable !== undefined,
      env: executable?.env ?? { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const collect = async (stream: ReadableStream<Uint8Array>, append: (text: string) => void) => {
      for await (const text of stream.pipeThrough(new TextDecoderStream())) append(text);
    };
    this.#collected = Promise.all([
      collect(this.#child.stdout, (text) => this.stdout += text),
      collect(this.#child.stderr, (text) => this.stderr += text),
    ]).then(() => {});
    this.#child.status.then(() => this.#exited = true);
  }

  /** The agent's process id (for /proc/PID/status). */
  get pid(): number {
    return this.#child.pid;
  }

  /** Polls `ready` until it holds; fails with the agent's output after `timeoutMs` or if it exits. */
  async until(what: string, ready: () => boolean | Promise<boolean>, timeoutMs = START_MS): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!(await ready())) {
      if (this.#exited) throw new Error(`the agent exited while waiting for ${what}:\n${this.stderr}`);
      if (performance.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; stderr:\n${this.stderr}`);
      }
      await delay(50);
    }
  }

  /** Sends `signal` and waits for the exit; kills the agent (and fails) if it does not exit in time. */
  async stop(signal: Deno.Signal): Promise<Deno.CommandStatus> {
    this.#child.kill(signal);
    const timer = setTimeout(() => this.#kill(), EXIT_MS);
    try {
      const status = await this.#child.status;
      await this.#collected;
      assert.ok(status.signal === null, `the agent did not exit by itself after ${signal}: ${status.signal}`);
      return status;
    } finally {
      clearTimeout(timer);
    }
  }

  /** For finally blocks: makes sure the process is gone and its pipes are drained. */
  async dispose(): Promise<void> {
    this.#kill();
    await this.#child.status;
    await this.#collected;
  }

  #kill(): void {
    if (this.#exited) return;
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // exited meanwhile
    }
  }
}
