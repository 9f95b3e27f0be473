/** Test helpers for the platform readers: fixture host trees and real, throw-away cgroups. */
import { type HostPaths, hostPathsUnder } from "../../src/platform/host_paths.ts";
import type { CgroupLayout } from "../../src/platform/cgroup/mounts.ts";

export const SCENARIOS = ["v1_split", "v1_comounted", "v2_unified", "hybrid"] as const;
export type Scenario = typeof SCENARIOS[number];

export function fixtureRoot(scenario: Scenario): string {
  return new URL(`../fixtures/hosts/${scenario}`, import.meta.url).pathname;
}

export function fixturePaths(scenario: Scenario): HostPaths {
  return hostPathsUnder(fixtureRoot(scenario));
}

/** A name no other test (or engineer) on this machine will pick. */
export function uniqueCgroupName(prefix: string): string {
  return `wca_test_${prefix}_${Deno.pid}_${crypto.randomUUID().slice(0, 8)}`;
}

/**
 * The real hierarchy directories a task cgroup needs for the measurement readers: the CPU source
 * (v1 cpuacct, and cpu when mounted apart), v1 memory, and the cgroup2 side when mounted.
 */
export function realCgroupDirs(layout: CgroupLayout, name: string): string[] {
  const mounts = new Set<string>();
  for (const controller of ["cpuacct", "cpu", "memory"]) {
    const mount = layout.v1.get(controller);
    if (mount !== undefined) mounts.add(mount.mountPoint);
  }
  if (layout.unified !== undefined) mounts.add(layout.unified.mountPoint);
  return [...mounts].map((mountPoint) => `${mountPoint}/${name}`);
}

export function createCgroupDirs(dirs: readonly string[]): void {
  for (const dir of dirs) Deno.mkdirSync(dir);
}

export function movePid(dirs: readonly string[], pid: number): void {
  for (const dir of dirs) Deno.writeTextFileSync(`${dir}/cgroup.procs`, `${pid}\n`);
}

/** Removes the cgroups, waiting briefly for killed processes to leave them; never throws on ENOENT. */
export async function removeCgroupDirs(dirs: readonly string[]): Promise<void> {
  for (const dir of dirs) {
    for (let attempt = 0;; attempt++) {
      try {
        Deno.removeSync(dir);
        break;
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) break;
        if (attempt >= 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }
}

/** A child that waits for a line on stdin, then execs a busy loop (so its new pages are charged after the move). */
export function spawnBusyChild(): { child: Deno.ChildProcess; start: () => Promise<void> } {
  const child = new Deno.Command("sh", {
    args: ["-c", "read go; exec sh -c 'while :; do :; done'"],
    stdin: "piped",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const start = async () => {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode("go\n"));
    await writer.close();
  };
  return { child, start };
}

export async function stopChild(child: Deno.ChildProcess): Promise<void> {
  try {
    child.kill("SIGKILL");
  } catch {
    // already exited
  }
  await child.status;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
