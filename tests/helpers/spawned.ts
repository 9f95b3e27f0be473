/** A command run as a user runs it: its output collected, stopped with a signal once it has shown enough. */

export interface Spawned {
  code: number;
  stdout: string;
  stderr: string;
}

export interface SpawnOptions {
  cwd: string;
  env?: Record<string, string>;
  /** Variables of this process the command must not inherit. */
  unsetEnv?: readonly string[];
  /** Stop (SIGINT) once this holds for the output so far; unset: wait for the command to exit. */
  until?: (output: { stdout: string; stderr: string }) => boolean;
  /** Give up (and kill) after this long; the result then says so in stderr. */
  timeoutMs?: number;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `command args` in `cwd`; with `until`, sends SIGINT when it holds and waits for the exit. */
export async function spawnUntil(command: string, args: string[], options: SpawnOptions): Promise<Spawned> {
  const child = new Deno.Command(command, {
    args,
    cwd: options.cwd,
    env: { ...inherited(options.unsetEnv ?? []), NO_COLOR: "1", ...options.env },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = { stdout: "", stderr: "" };
  const collect = async (stream: ReadableStream<Uint8Array>, key: "stdout" | "stderr") => {
    for await (const text of stream.pipeThrough(new TextDecoderStream())) output[key] += text;
  };
  const collected = Promise.all([collect(child.stdout, "stdout"), collect(child.stderr, "stderr")]);
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  const deadline = performance.now() + (options.timeoutMs ?? 60_000);
  let timedOut = false;
  while (!exited) {
    if (options.until?.(output)) {
      child.kill("SIGINT");
      break;
    }
    if (performance.now() > deadline) {
      timedOut = true;
      child.kill("SIGKILL");
      break;
    }
    await delay(50);
  }
  // Shutdown may take a while (a Kafka storage keeps sending for close_timeout_in_seconds).
  const killer = setTimeout(() => {
    if (!exited) child.kill("SIGKILL");
  }, 20_000);
  const { code } = await status;
  clearTimeout(killer);
  await collected;
  if (timedOut) output.stderr += `\n[timed out after ${options.timeoutMs ?? 60_000} ms]`;
  return { code, ...output };
}

function inherited(unset: readonly string[]): Record<string, string> {
  const env = Deno.env.toObject();
  for (const name of unset) delete env[name];
  return env;
}
