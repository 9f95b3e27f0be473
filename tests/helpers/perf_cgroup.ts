/**
 * The perf_event controller's binding for integration tests. It is machine-wide kernel state that other
 * test processes see, so everything whose outcome depends on it runs under one exclusive file lock.
 *
 * The three states a host can be in (see src/platform/cgroup/perf_event.ts):
 * - "unbound": bound to no v1 hierarchy (a fresh boot here); cgroup-mode events count under cgroup2;
 * - "v1": mounted as a v1 hierarchy; events count there, and cgroup2 answers ENOENT;
 * - "lingering": bound to a v1 hierarchy that is not mounted; nothing can count.
 * Measured on our kernel: mounting binds it; unmounting releases it only if the hierarchy has no child
 * cgroups at that moment, and a removed cgroup leaves the hierarchy a moment later (its num_cgroups in
 * /proc/cgroups drops), so a release waits for that. A test moves the host between states it can reach
 * and puts back the state it found (a lingering binding is a leftover, so it is released instead).
 */
import { placePerfEvent } from "../../src/platform/cgroup/mod.ts";
import { readCgroupLayout } from "../../src/platform/cgroup/mounts.ts";
import { defaultHostPaths } from "../../src/platform/host_paths.ts";
import { readProcCgroups } from "../../src/platform/procfs/cgroups.ts";
import { withFileLock } from "./file_lock.ts";
import { type RealCgroups, withRealCgroups } from "./real_cgroups.ts";

export type PerfBinding = "unbound" | "v1" | "lingering";

/** Where tests mount the hierarchy: where wca's own advice says to. */
export const PERF_MOUNT = "/sys/fs/cgroup/perf_event";
const LOCK_FILE = "/tmp/wca-test-perf-binding.lock";

export interface BindingState {
  readonly binding: PerfBinding;
  /** The v1 hierarchy id (0 when unbound). */
  readonly hierarchy: number;
  readonly numCgroups: number;
  /** Where it is mounted, for "v1". */
  readonly mountPoint: string | undefined;
}

export function perfBinding(): BindingState {
  const paths = defaultHostPaths();
  const layout = readCgroupLayout(paths);
  const perf = readProcCgroups(paths)?.get("perf_event");
  if (!perf) throw new Error("this kernel has no perf_event cgroup controller (/proc/cgroups)");
  const mount = layout.v1.get("perf_event");
  const binding: PerfBinding = mount ? "v1" : perf.hierarchy === 0 ? "unbound" : "lingering";
  return { binding, hierarchy: perf.hierarchy, numCgroups: perf.numCgroups, mountPoint: mount?.mountPoint };
}

/** What wca should do on this host now, from the same files the agent reads. */
export function expectedPlacement() {
  const paths = defaultHostPaths();
  return placePerfEvent(readCgroupLayout(paths), readProcCgroups(paths));
}

/** Runs `body` holding the machine-wide lock on the perf_event binding (other test processes wait). */
export function withPerfBindingLock<T>(body: () => Promise<T>): Promise<T> {
  return withFileLock(LOCK_FILE, body);
}

async function run(command: string, ...args: string[]): Promise<void> {
  const { code, stderr } = await new Deno.Command(command, { args, stdout: "null", stderr: "piped" })
    .output();
  if (code !== 0) throw new Error(`${command} ${args.join(" ")}: ${new TextDecoder().decode(stderr).trim()}`);
}

async function mountPerf(): Promise<void> {
  await Deno.mkdir(PERF_MOUNT, { recursive: true });
  await run("mount", "-t", "cgroup", "-o", "perf_event", "perf_event", PERF_MOUNT);
}

/** Removes every (empty) child cgroup below `dir`, deepest first; a busy one throws. */
function removeChildren(dir: string): void {
  for (const entry of Deno.readDirSync(dir)) {
    if (!entry.isDirectory) continue;
    removeChildren(`${dir}/${entry.name}`);
    Deno.removeSync(`${dir}/${entry.name}`);
  }
}

async function waitFor(what: string, done: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Unmounts our hierarchy so that the kernel gives perf_event back to cgroup2. */
async function release(): Promise<void> {
  removeChildren(PERF_MOUNT);
  await waitFor("the perf_event hierarchy has only its root cgroup", () => perfBinding().numCgroups <= 1);
  await run("umount", PERF_MOUNT);
  await Deno.remove(PERF_MOUNT).catch(() => {});
  await waitFor("perf_event is bound to no v1 hierarchy", () => perfBinding().binding === "unbound");
}

/** Moves the host to `target` from a state this helper may change (see reachableBindings). */
async function moveTo(target: PerfBinding): Promise<void> {
  const now = perfBinding().binding;
  if (now === target) return;
  if (now === "v1") await release(); // only reached for our own mount, see reachable()
  if (now === "lingering") {
    await mountPerf(); // re-attaches the lingering hierarchy
    if (target === "v1") return;
    await release();
  }
  if (target === "v1") await mountPerf();
  if (target === "lingering") {
    await mountPerf();
    Deno.mkdirSync(`${PERF_MOUNT}/wca-test-lingering`);
    await run("umount", PERF_MOUNT);
    await Deno.remove(PERF_MOUNT).catch(() => {});
  }
  const reached = perfBinding().binding;
  if (reached !== target) throw new Error(`perf_event binding is ${reached}, wanted ${target}`);
}

/**
 * The states a test may move this host into: all three, unless perf_event is mounted by someone else
 * (then only "v1": tests never unmount what they did not mount).
 */
export function reachableBindings(): PerfBinding[] {
  const state = perfBinding();
  if (state.binding === "v1" && state.mountPoint !== PERF_MOUNT) return ["v1"];
  if (state.binding === "v1" && Deno.readDirSync(PERF_MOUNT).some((e) => e.isDirectory)) return ["v1"];
  return ["unbound", "v1", "lingering"];
}

/**
 * Runs `body` with the host in `target`, under the lock. Afterwards the state found is put back, except
 * that a lingering binding found is released (it is a leftover of an earlier run, never a setting).
 * Call only with a state from reachableBindings() taken under the same lock, or use forEachBinding().
 */
export async function inBinding<T>(target: PerfBinding, body: () => Promise<T>): Promise<T> {
  const found = perfBinding().binding;
  await moveTo(target);
  try {
    return await body();
  } finally {
    await moveTo(found === "lingering" ? "unbound" : found);
  }
}

/**
 * Runs `body` once in every binding this host can be moved into, under the lock; returns the states
 * covered so that the caller can say which ones were proven only on fixtures.
 */
export async function forEachBinding(body: (binding: PerfBinding) => Promise<void>): Promise<PerfBinding[]> {
  return await withPerfBindingLock(async () => {
    const reachable = reachableBindings();
    for (const binding of reachable) await inBinding(binding, () => body(binding));
    return reachable;
  });
}

/** Runs `body` with perf_event mounted as v1 (the tests' own mount unless one exists), under the lock. */
export async function withV1PerfEvent<T>(body: () => Promise<T>): Promise<T> {
  return await withPerfBindingLock(() => inBinding("v1", body));
}

/**
 * Runs `body` under the lock with `count` real task cgroups in every hierarchy an agent with perf events
 * reads (cpu, cpuacct, memory, perf_event, cgroup2), in the binding the host is in; a lingering binding, a
 * leftover that would stop such an agent at start, is released first.
 */
export async function withPerfCountedCgroups<T>(
  count: number,
  body: (groups: RealCgroups) => Promise<T>,
): Promise<T> {
  return await withPerfBindingLock(() => {
    const now = perfBinding().binding;
    return inBinding(
      now === "lingering" ? "unbound" : now,
      () => withRealCgroups(["cpuacct", "cpu", "memory", "perf_event", "unified"], count, body),
    );
  });
}
