/**
 * Running the workload: its command line, start errors a user can act on, its output passed through
 * unchanged while one stream is also read as lines, SIGTERM and SIGINT forwarded, and its exit status
 * as a shell reports it (128 + signal number when a signal ended it).
 */
import { shellSplit, ShellSyntaxError } from "./shlex.ts";
import { LineSplitter } from "./lines.ts";

/** Signal numbers on Linux (x86-64, arm64), for 128+N exit codes. */
const SIGNAL_NUMBERS: Readonly<Record<string, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGSTKFLT: 16,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPOLL: 29,
  SIGPWR: 30,
  SIGSYS: 31,
};

export const FORWARDED_SIGNALS: readonly Deno.Signal[] = ["SIGTERM", "SIGINT"];

/** The workload could not be started; `exitCode` is what a shell would return (127 not found, 126 not runnable). */
export class WorkloadStartError extends Error {
  override readonly name = "WorkloadStartError";
  readonly exitCode: number;

  constructor(message: string, exitCode: number) {
    super(message);
    this.exitCode = exitCode;
  }
}

/**
 * The argv to run. With `shell`, /bin/sh -c runs the command text as it is; the seeds' form
 * `--command '-c "while …; done"'` (which Python's Popen(shell=True) ran as `sh -c -c "…"`) still works.
 */
export function workloadArgv(command: string, shell: boolean): string[] {
  let words: string[];
  try {
    words = shellSplit(command);
  } catch (error) {
    if (error instanceof ShellSyntaxError) {
      throw new WorkloadStartError(`cannot split --command ${JSON.stringify(command)}: ${error.message}`, 2);
    }
    throw error;
  }
  if (words.length === 0) throw new WorkloadStartError("--command is empty", 2);
  if (!shell) return words;
  return words[0] === "-c" ? ["/bin/sh", ...words] : ["/bin/sh", "-c", command];
}

/** The exit code a shell gives for this status: the code, or 128 + the signal's number. */
export function exitCodeOf(status: Deno.CommandStatus): number {
  if (status.signal === null) return status.code;
  return 128 + (SIGNAL_NUMBERS[status.signal] ?? 0);
}

/** Starts the workload; the parsed stream is piped, the other one inherited (passed through as it is). */
export function startWorkload(argv: readonly string[], parseStderr: boolean): Deno.ChildProcess {
  const [program, ...args] = argv;
  try {
    return new Deno.Command(program!, {
      args,
      stdin: "inherit",
      stdout: parseStderr ? "inherit" : "piped",
      stderr: parseStderr ? "piped" : "inherit",
    }).spawn();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new WorkloadStartError(`cannot start workload: ${program}: command not found`, 127);
    }
    if (error instanceof Deno.errors.PermissionDenied) {
      throw new WorkloadStartError(`cannot start workload: ${program}: permission denied`, 126);
    }
    const reason = (error as Error).message.replace(/ \(os error \d+\)/, "");
    throw new WorkloadStartError(`cannot start workload: ${program}: ${reason}`, 126);
  }
}

/** Sends SIGTERM and SIGINT that reach the wrapper on to the workload; returns the undo. */
export function forwardSignals(
  child: Deno.ChildProcess,
  onSignal: (signal: Deno.Signal) => void,
): () => void {
  const listeners = FORWARDED_SIGNALS.map((signal) => {
    const listener = () => {
      onSignal(signal);
      try {
        child.kill(signal);
      } catch {
        // it has exited already
      }
    };
    Deno.addSignalListener(signal, listener);
    return [signal, listener] as const;
  });
  return () => {
    for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
  };
}

async function writeAll(out: { write(p: Uint8Array): Promise<number> }, bytes: Uint8Array): Promise<void> {
  for (let written = 0; written < bytes.length;) written += await out.write(bytes.subarray(written));
}

export interface PumpOptions {
  /** Where the bytes are passed through to (the wrapper's own stdout or stderr). */
  readonly passThrough: { write(p: Uint8Array): Promise<number> };
  /** Called with each group of complete lines, in order; awaited before more is read. */
  readonly onLines: (lines: string[]) => Promise<void> | void;
  /** Called once when passing through fails (the reader of the wrapper's output went away). */
  readonly onPassThroughError: (error: unknown) => void;
}

/**
 * Reads `stream` to its end: every chunk goes through unchanged first, then its lines are parsed.
 * Reading never stops early, so the workload never blocks on a full pipe. Returns lines dropped as too long.
 */
export async function pumpLines(stream: ReadableStream<Uint8Array>, options: PumpOptions): Promise<number> {
  const decoder = new TextDecoder();
  const splitter = new LineSplitter();
  let passing = true;
  for await (const chunk of stream) {
    if (passing) {
      try {
        await writeAll(options.passThrough, chunk);
      } catch (error) {
        passing = false;
        options.onPassThroughError(error);
      }
    }
    const lines = splitter.push(decoder.decode(chunk, { stream: true }));
    if (lines.length > 0) await options.onLines(lines);
  }
  const last = splitter.push(decoder.decode());
  for (const line of splitter.end()) last.push(line);
  if (last.length > 0) await options.onLines(last);
  return splitter.dropped;
}
