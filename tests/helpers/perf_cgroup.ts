/**
 * The v1 perf_event controller for integration tests. On our machines it is not mounted, so the kernel
 * keeps it on the cgroup2 hierarchy (perf_event is implicit there). Mounting it as a v1 hierarchy moves
 * it; unmounting (with no child cgroups left) moves it back.
 */
import { readCgroupLayout } from "../../src/platform/cgroup/mod.ts";
import { defaultHostPaths } from "../../src/platform/host_paths.ts";

const MOUNT_POINT = "/sys/fs/cgroup/perf_event";

async function run(command: string, ...args: string[]): Promise<void> {
  const { code, stderr } = await new Deno.Command(command, { args, stdout: "null", stderr: "piped" })
    .output();
  if (code !== 0) throw new Error(`${command} ${args.join(" ")}: ${new TextDecoder().decode(stderr).trim()}`);
}

/** Runs `body` with perf_event mounted as a v1 hierarchy, mounting (and afterwards unmounting) it if needed. */
export async function withV1PerfEvent<T>(body: () => Promise<T>): Promise<T> {
  if (readCgroupLayout(defaultHostPaths()).v1.has("perf_event")) return await body();
  await Deno.mkdir(MOUNT_POINT, { recursive: true });
  await run("mount", "-t", "cgroup", "-o", "perf_event", "perf_event", MOUNT_POINT);
  try {
    return await body();
  } finally {
    await run("umount", MOUNT_POINT);
    await Deno.remove(MOUNT_POINT).catch(() => {});
  }
}
