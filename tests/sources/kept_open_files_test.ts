/**
 * TaskCgroupFiles on real cgroups: a cgroup removed and created again under the same name is read from
 * the new cgroup, tasks that go give their files back, and running out of descriptors skips the task
 * with a clear error. The /proc/self/fd count across churn runs alone (kept_open_files_fds_isolated.ts).
 */
import assert from "node:assert/strict";
import { ERRNO, ErrnoError, Libc } from "../../ffi/mod.ts";
import type { Task } from "../../src/components/interfaces.ts";
import type { CgroupMeasurements } from "../../src/platform/cgroup/mod.ts";
import { KeptOpenFiles, OutOfDescriptors, TaskCgroupFiles } from "../../src/sources/kept_open_files.ts";
import { defaultHostPaths } from "../../src/platform/host_paths.ts";
import { countingCalls } from "../helpers/counting_calls.ts";
import { runIsolated } from "../helpers/isolated.ts";
import { taskAt, withRealCgroups } from "../helpers/real_cgroups.ts";

/** Not a v1 controller: withRealCgroups resolves it to the cgroup2 mount (the PSI files). */
const CONTROLLERS = ["cpuacct", "cpu", "memory", "unified"];
const MiB = 1024 * 1024;

function measured(result: ReturnType<TaskCgroupFiles["read"]>): CgroupMeasurements {
  assert.equal(result.kind, "ok", JSON.stringify(result));
  return result.kind === "ok" ? result.measurements : assert.fail();
}

Deno.test("a cgroup removed and created again under the same name is read from the new cgroup", async () => {
  await withRealCgroups(CONTROLLERS, 1, async (groups) => {
    const path = groups.paths[0]!;
    const memoryDir = groups.dirs(path).find((dir) => dir.includes("/memory/"))!;
    const libc = new Libc();
    const files = new TaskCgroupFiles(libc);
    try {
      Deno.writeTextFileSync(`${memoryDir}/memory.limit_in_bytes`, String(64 * MiB));
      const first = groups.spawnIn(path);
      const before = measured(files.read(groups.layout, taskAt(path)));
      assert.equal(before.memoryLimitBytes, 64 * MiB);
      assert.deepEqual(before.pids, [first.pid]);
      assert.ok(before.cpuPressure, "PSI from the cgroup2 side");
      const held = files.openCount;
      assert.equal(held, 1 + 6 + 3, "cpuacct.usage, six memory files, three pressure files");

      // Same name, new cgroup: every descriptor held for the old one now answers ENODEV.
      await groups.kill(first);
      groups.remove(path);
      for (const dir of groups.dirs(path)) Deno.mkdirSync(dir);
      Deno.writeTextFileSync(`${memoryDir}/memory.limit_in_bytes`, String(32 * MiB));
      const second = groups.spawnIn(path);
      const after = measured(files.read(groups.layout, taskAt(path)));
      assert.equal(after.memoryLimitBytes, 32 * MiB, "the new cgroup's limit, not a stale descriptor's");
      assert.deepEqual(after.pids, [second.pid]);
      assert.ok(after.cpuPressure, "PSI from the new cgroup2 directory");
      assert.ok(after.cpuUsageSeconds! <= before.cpuUsageSeconds! + 1, "CPU counted afresh");
      assert.equal(files.openCount, held, "the old descriptors were closed, the new ones opened");

      // Removed for good: gone, and its files given back.
      await groups.kill(second);
      groups.remove(path);
      const gone = files.read(groups.layout, taskAt(path));
      assert.equal(gone.kind, "gone");
      assert.equal(files.openCount, 0);
    } finally {
      files.close();
      libc.unload();
    }
  });
});

Deno.test("tasks the node no longer lists give their files back; a changed cgroup path starts afresh", async () => {
  await withRealCgroups(CONTROLLERS, 2, (groups) => {
    const libc = new Libc();
    const files = new TaskCgroupFiles(libc);
    try {
      const [a, b] = groups.paths.map(taskAt) as [Task, Task];
      files.sync([a, b]);
      measured(files.read(groups.layout, a));
      measured(files.read(groups.layout, b));
      const perTask = files.openCount / 2;
      files.sync([b]);
      assert.equal(files.openCount, perTask);
      // The same task id, now at a's cgroup: b's files are closed and a's opened.
      measured(files.read(groups.layout, { ...b, cgroup_path: a.cgroup_path }));
      assert.equal(files.openCount, perTask);
      files.sync([]);
      assert.equal(files.openCount, 0);
    } finally {
      files.close();
      libc.unload();
    }
  });
});

Deno.test("past its share of the fd limit, a new task is measured with open-read-close, holding nothing", async () => {
  await withRealCgroups(CONTROLLERS, 2, (groups) => {
    const libc = new Libc();
    const files = new TaskCgroupFiles(libc, { maxOpen: 10 });
    try {
      const [a, b] = groups.paths.map(taskAt) as [Task, Task];
      measured(files.read(groups.layout, a));
      assert.equal(files.openCount, 10);
      const other = measured(files.read(groups.layout, b));
      assert.ok(other.cpuPressure && other.memoryLimitBytes, "measured all the same");
      assert.equal(files.openCount, 10, "b holds no files");
      files.sync([b]);
      assert.equal(files.openCount, 0);
      measured(files.read(groups.layout, b));
      assert.equal(files.openCount, 10, "room again: b keeps its files open");
    } finally {
      files.close();
      libc.unload();
    }
  });
});

Deno.test("out of descriptors: a clear error naming LimitNOFILE, the task's files given back", async () => {
  await withRealCgroups(CONTROLLERS, 2, (groups) => {
    const libc = new Libc();
    const calls = countingCalls(libc);
    let budget = Infinity;
    const limited = {
      ...calls,
      open(path: string) {
        if (budget-- <= 0) throw new ErrnoError(`open ${path}`, ERRNO.EMFILE, "Too many open files");
        return calls.open(path);
      },
    };
    const files = new TaskCgroupFiles(limited);
    try {
      const [a, b] = groups.paths.map(taskAt) as [Task, Task];
      const options = { pids: false }; // as the runner reads: no file opened afresh per read
      measured(files.read(groups.layout, a, options));
      const held = files.openCount;
      budget = 4;
      assert.throws(() => files.read(groups.layout, b, options), (error: unknown) => {
        assert.ok(error instanceof OutOfDescriptors);
        assert.match(error.message, /EMFILE/);
        assert.match(error.message, /LimitNOFILE/);
        return true;
      });
      assert.equal(files.openCount, held, "the failed task holds nothing");
      assert.equal(calls.counts.open - calls.counts.close, held);
      measured(files.read(groups.layout, a, options)); // the task already measured goes on
      budget = Infinity;
      measured(files.read(groups.layout, b, options)); // and the skipped one is measured once there are fds
    } finally {
      files.close();
      libc.unload();
    }
  });
});

Deno.test("KeptOpenFiles: platform files read through kept-open descriptors, all closed with it", () => {
  const files = new KeptOpenFiles(defaultHostPaths());
  try {
    const stat = files.readPlatform("/proc/stat");
    assert.match(stat, /^cpu /);
    assert.equal(files.readPlatform("/proc/stat").split("\n")[0]!.split(/\s+/)[0], "cpu");
    assert.equal(files.openCount, 1);
  } finally {
    files.close();
  }
  assert.equal(files.openCount, 0);
});

Deno.test("descriptors counted in /proc/self/fd across task churn return to the baseline (alone)", async () => {
  await runIsolated(new URL("./kept_open_files_fds_isolated.ts", import.meta.url));
});
