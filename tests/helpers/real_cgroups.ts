/**
 * Real cgroups on this machine for integration tests: a private parent per test in each requested
 * controller's hierarchy, children under it, processes moved in, and everything removed afterwards.
 */
import type { Task } from "../../src/components/interfaces.ts";
import { type CgroupLayout, controllerMount, readCgroupLayout } from "../../src/platform/cgroup/mod.ts";
import { defaultHostPaths } from "../../src/platform/host_paths.ts";

export interface RealCgroups {
  /** The private parent cgroup path, e.g. "/wca-test-1234-ab12". */
  readonly parent: string;
  /** Child cgroup paths, "/wca-test-…/t0" … */
  readonly paths: readonly string[];
  readonly layout: CgroupLayout;
  /** Directories of a cgroup path in every requested hierarchy. */
  dirs(path: string): string[];
  /** Starts `command` (default: sleep) and moves it into `path` in every hierarchy. */
  spawnIn(path: string, command?: string[]): Deno.ChildProcess;
  kill(child: Deno.ChildProcess): Promise<void>;
  /** Removes one child cgroup now (its processes must be gone). */
  remove(path: string): void;
}

/** A task at a cgroup path, named and identified by the path, with no labels or resources. */
export function taskAt(path: string): Task {
  return { name: path, task_id: path, cgroup_path: path, subcgroups_paths: [], labels: {}, resources: {} };
}

export async function withRealCgroups<T>(
  controllers: readonly string[],
  count: number,
  body: (groups: RealCgroups) => Promise<T> | T,
): Promise<T> {
  if (Deno.uid() !== 0) throw new Error("real cgroup tests need root (they create cgroups)");
  const layout = readCgroupLayout(defaultHostPaths());
  const mounts = [
    ...new Set(controllers.map((name) => {
      const mount = controllerMount(layout, name);
      if (!mount) throw new Error(`cgroup controller ${name} is not mounted on this machine`);
      return mount.mountPoint;
    })),
  ];
  const parent = `/wca-test-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const paths = Array.from({ length: count }, (_, i) => `${parent}/t${i}`);
  const children = new Set<Deno.ChildProcess>();
  const dirs = (path: string) => mounts.map((mount) => mount + path);
  for (const path of [parent, ...paths]) for (const dir of dirs(path)) Deno.mkdirSync(dir);
  const groups: RealCgroups = {
    parent,
    paths,
    layout,
    dirs,
    spawnIn(path, command = ["sleep", "600"]) {
      // The child moves itself in before exec, so nothing it forks can start outside the cgroup.
      const script = 'for d in $WCA_TEST_CGROUP_DIRS; do echo $$ > "$d/cgroup.procs"; done; exec "$@"';
      const child = new Deno.Command("sh", {
        args: ["-c", script, "sh", ...command],
        env: { WCA_TEST_CGROUP_DIRS: dirs(path).join(" ") },
        stdout: "null",
        stderr: "null",
      }).spawn();
      children.add(child);
      waitUntilIn(dirs(path), child.pid);
      return child;
    },
    async kill(child) {
      try {
        child.kill("SIGKILL");
      } catch {
        // already exited
      }
      await child.status;
      children.delete(child);
    },
    remove(path) {
      for (const dir of dirs(path)) removeCgroupDir(dir);
    },
  };
  try {
    return await body(groups);
  } finally {
    for (const child of [...children]) await groups.kill(child);
    for (const path of [...paths, parent]) for (const dir of dirs(path)) removeCgroupDir(dir);
  }
}

/** Blocks (at most 5 s) until `pid` is listed in every directory's cgroup.procs. */
function waitUntilIn(dirs: readonly string[], pid: number): void {
  const deadline = Date.now() + 5000;
  while (
    !dirs.every((dir) => Deno.readTextFileSync(`${dir}/cgroup.procs`).split("\n").includes(String(pid)))
  ) {
    if (Date.now() > deadline) throw new Error(`process ${pid} did not join ${dirs.join(", ")} within 5 s`);
  }
}

/** rmdir, retried briefly: the kernel frees a cgroup a moment after its last process exits. */
function removeCgroupDir(dir: string): void {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      Deno.removeSync(dir);
      return;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      if (attempt === 49) throw error;
      const until = Date.now() + 20;
      while (Date.now() < until) { /* wait for the kernel */ }
    }
  }
}
