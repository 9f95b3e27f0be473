/** stress-ng in real task cgroups, and polling helpers, for integration tests. */
import assert from "node:assert/strict";
import { withFileLock } from "./file_lock.ts";
import type { RealCgroups } from "./real_cgroups.ts";

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every `stepMs` until it returns a value, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => T | undefined | Promise<T | undefined>,
  stepMs = 100,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(stepMs);
  }
}

export function cgroupPids(dir: string): Set<number> {
  return new Set(Deno.readTextFileSync(`${dir}/cgroup.procs`).split("\n").filter(Boolean).map(Number));
}

/** Every process below `pid` (children, grandchildren …), from /proc/PID/task/PID/children. */
export function descendants(pid: number): number[] {
  let children: number[];
  try {
    children = Deno.readTextFileSync(`/proc/${pid}/task/${pid}/children`).split(/\s+/).filter(Boolean)
      .map(Number);
  } catch {
    return []; // exited meanwhile
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

/**
 * Waits until stress-ng (`pid`) has forked at least `workers` processes and checks that all of them are
 * in the task cgroup in every hierarchy: workers forked after the move inherit the cgroup.
 */
export async function assertWorkersInherit(groups: RealCgroups, path: string, pid: number, workers: number) {
  const forked = await waitFor(`stress-ng ${pid} to fork ${workers} worker(s)`, 5000, () => {
    const found = descendants(pid);
    return found.length >= workers ? found : undefined;
  });
  for (const dir of groups.dirs(path)) {
    const inside = cgroupPids(dir);
    for (const member of [pid, ...forked]) {
      assert.ok(inside.has(member), `process ${member} of stress-ng ${pid} is not in ${dir}: ${[...inside]}`);
    }
  }
  return forked;
}

/**
 * Starts stress-ng in `path` so that every worker it forks is in the task cgroup. spawnIn moves the
 * process right after spawning it, but stress-ng can fork its workers before that write lands (seen
 * here: a worker left in the parent's cgroup). So a shell waits until /proc/self/cgroup names `path` in
 * every hierarchy, then execs stress-ng: same pid, and nothing forks before the move.
 */
export function spawnStressNg(groups: RealCgroups, path: string, ...args: string[]): Deno.ChildProcess {
  const hierarchies = groups.dirs(path).length;
  const gate = `n=0; while [ "$n" -lt ${hierarchies} ]; do n=0; ` +
    `while IFS= read -r line; do case "$line" in *":$0") n=$((n + 1));; esac; done < /proc/self/cgroup; ` +
    `done; exec "$@"`;
  return groups.spawnIn(path, [
    "sh",
    "-c",
    gate,
    path,
    "stress-ng",
    "--temp-path",
    "/tmp",
    "--timeout",
    "30s",
    ...args,
  ]);
}

/**
 * Runs `body` holding a machine-wide lock for tests that load the CPUs and judge CPU rates: test files run
 * in parallel on a 2-CPU machine, and two such tests at once starve each other's workloads. Tests that
 * only load (or only measure) briefly need not take it. Lock order: the perf binding lock, then this one.
 */
export function withCpuLoadLock<T>(body: () => Promise<T>): Promise<T> {
  return withFileLock("/tmp/wca-test-cpu-load.lock", body);
}
