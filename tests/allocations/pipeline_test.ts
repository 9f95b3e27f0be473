/**
 * allocate() on real cgroup v1 on this machine: read back, validate, changeset, write. stress-ng under a
 * quota, cpusets seen by the kernel's scheduler, shares, refused allocations and dry runs leaving every
 * file as it was, migrate_pages on a real process.
 */
import assert from "node:assert/strict";
import { allocate, type AllocateOptions } from "../../src/allocations/pipeline.ts";
import { readTaskAllocations } from "../../src/allocations/read.ts";
import type { TasksAllocations } from "../../src/components/decisions.ts";
import type { Task } from "../../src/components/interfaces.ts";
import { Libc } from "../../ffi/mod.ts";
import { type RealCgroups, withRealCgroups } from "../helpers/real_cgroups.ts";
import { assertWorkersInherit, delay, spawnStressNg, withCpuLoadLock } from "../helpers/stress.ts";
import { platform, task, tasksData } from "./_fixtures.ts";

const CONFIG = { cpu_quota_period: 100000, cpu_shares_unit: 1000 };
const PLATFORM = platform();

/** A v1 cpuset cgroup takes no process until cpuset.cpus and cpuset.mems are set: the parent's first. */
function initCpusets(groups: RealCgroups): void {
  const cpusetDir = (path: string) => groups.dirs(path).find((d) => d.includes("/cpuset/"));
  for (const path of [groups.parent, ...groups.paths]) {
    const dir = cpusetDir(path);
    if (dir === undefined) continue;
    Deno.writeTextFileSync(`${dir}/cpuset.cpus`, Deno.readTextFileSync(`${dir}/../cpuset.cpus`).trim());
    Deno.writeTextFileSync(`${dir}/cpuset.mems`, Deno.readTextFileSync(`${dir}/../cpuset.mems`).trim());
  }
}

/** What one AllocationRunner iteration does with the allocator's answer. */
function iterate(
  groups: RealCgroups,
  tasks: Task[],
  desired: TasksAllocations,
  extra: Partial<AllocateOptions> = {},
) {
  const current = Object.fromEntries(
    tasks.map((t) => [t.task_id, readTaskAllocations(groups.layout, t, CONFIG, { cpus: PLATFORM.cpus })!]),
  );
  return allocate({
    platform: PLATFORM,
    tasksData: tasksData(tasks, current),
    desired,
    layout: groups.layout,
    config: CONFIG,
    ...extra,
  });
}

/** Seconds of CPU the cgroup used per second of wall time, from its own cpuacct.usage. */
async function cpuRate(groups: RealCgroups, path: string, ms: number): Promise<number> {
  const file = `${groups.dirs(path).find((d) => d.includes("/cpuacct/"))}/cpuacct.usage`;
  const read = () => Number(Deno.readTextFileSync(file));
  const [u0, t0] = [read(), performance.now()];
  await delay(ms);
  const [u1, t1] = [read(), performance.now()];
  return (u1 - u0) / 1e9 / ((t1 - t0) / 1000);
}

/** Every allocation file of these cgroups, for before/after comparison. */
function snapshotFiles(groups: RealCgroups, paths: string[]): Map<string, string> {
  const names = [
    "cpu.cfs_quota_us",
    "cpu.cfs_period_us",
    "cpu.shares",
    "cpuset.cpus",
    "cpuset.mems",
    "cpuset.memory_migrate",
  ];
  const out = new Map<string, string>();
  for (const path of paths) {
    for (const dir of groups.dirs(path)) {
      for (const name of names) {
        try {
          out.set(`${dir}/${name}`, Deno.readTextFileSync(`${dir}/${name}`));
        } catch {
          // not this hierarchy's file
        }
      }
    }
  }
  return out;
}

function isAlive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(Deno.readTextFileSync(`/proc/${pid}/status`));
  } catch {
    return false;
  }
}

/** The cgroup's directory in the cpu hierarchy. */
function cpuDir(groups: RealCgroups, path: string): string {
  return groups.dirs(path).find((d) => d.includes("/cpu/"))!;
}

Deno.test("cpu_quota 0.25 of this 2-CPU machine holds stress-ng --cpu 2 to about half a CPU (its own cpuacct)", async () => {
  await withCpuLoadLock(async () => {
    await withRealCgroups(["cpu", "cpuacct"], 1, async (groups) => {
      const path = groups.paths[0]!;
      const t = task("stress", path);
      const spawned = performance.now();
      const stress = spawnStressNg(groups, path, "--cpu", "2", "--cpu-method", "int64", "--timeout", "180s");
      await assertWorkersInherit(groups, path, stress.pid, 2);
      const before = await cpuRate(groups, path, 1000);

      const result = iterate(groups, [t], { stress: { cpu_quota: 0.25 } });
      assert.deepEqual(result.errors, []);
      assert.deepEqual(
        result.writes.map((w) => [w.target.split("/").at(-1), w.value]),
        [["cpu.cfs_quota_us", "50000"]],
        "the period is already 100000: only the quota is written (0.25 × 100000 µs × 2 CPUs)",
      );
      // Now capped, the task may have the test's parent cgroup at the maximum weight: it cannot take more
      // than its quota, and it reaches the quota (so the kernel throttles it) while other test files load
      // the machine (their cgroups are the parent's siblings at the default weight).
      Deno.writeTextFileSync(`${cpuDir(groups, groups.parent)}/cpu.shares`, "262144");
      await delay(200);
      // Whatever else shares the machine the cgroup never gets more than its quota (half a CPU); the
      // kernel's throttling count in cpu.stat says the quota did it.
      const throttled = () =>
        Number(/nr_throttled (\d+)/.exec(Deno.readTextFileSync(`${cpuDir(groups, path)}/cpu.stat`))![1]);
      const seen: string[] = [];
      let proven = false;
      for (let window = 0; window < 10 && !proven; window++) {
        const throttled0 = throttled();
        const after = await cpuRate(groups, path, 1000);
        seen.push(after.toFixed(2));
        // Zero means the workload is gone (its processes exited), not that the quota works.
        assert.ok(after > 0, `stress-ng stopped running (${seen.join(", ")}); alive: ${isAlive(stress.pid)}`);
        assert.ok(after < 0.58, `at most half a CPU under the quota, in every window: ${after.toFixed(2)}`);
        proven = throttled() > throttled0;
      }
      const since = ((performance.now() - spawned) / 1000).toFixed(1);
      console.log(
        `uncapped ${before.toFixed(2)} CPU; under cpu_quota 0.25 per window: ${seen.join(", ")}` +
          ` (${since} s after stress-ng started)`,
      );
      assert.ok(proven, `the kernel never throttled the cgroup at its quota in 10 s (${seen.join(", ")})`);
      const readBack = readTaskAllocations(groups.layout, t, CONFIG, { cpus: 2 })!;
      assert.equal(readBack.cpu_quota, 0.25);
      assert.deepEqual(
        iterate(groups, [t], { stress: { cpu_quota: 0.25 } }).writes,
        [],
        "the same again: nothing written",
      );

      await groups.kill(stress); // before the limit is lifted: at the parent's weight it would take the machine
      const lifted = iterate(groups, [t], { stress: { cpu_quota: 1.0 } });
      assert.deepEqual(lifted.writes.map((w) => w.value), ["-1"]);
    });
  });
});

Deno.test('cpuset_cpus "0" shows in /proc/<pid>/status Cpus_allowed_list; shares change cpu.shares', async () => {
  await withRealCgroups(["cpuset", "cpu"], 1, async (groups) => {
    initCpusets(groups);
    const path = groups.paths[0]!;
    const t = task("sleeper", path);
    const child = groups.spawnIn(path);
    const allowed = () =>
      /Cpus_allowed_list:\s*(\S+)/.exec(Deno.readTextFileSync(`/proc/${child.pid}/status`))![1];
    assert.equal(allowed(), "0-1");
    const result = iterate(groups, [t], {
      sleeper: { cpuset_cpus: "0", cpu_shares: 0.5, cpuset_memory_migrate: true },
    });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.writes.map((w) => [w.allocation, w.target.split("/").at(-1), w.value]), [
      ["cpuset_memory_migrate", "cpuset.memory_migrate", "1"],
      ["cpuset_cpus", "cpuset.cpus", "0"],
      ["cpu_shares", "cpu.shares", "500"],
    ]);
    assert.equal(allowed(), "0");
    const cpuDir = groups.dirs(path).find((d) => d.includes("/cpu/"))!;
    assert.equal(Deno.readTextFileSync(`${cpuDir}/cpu.shares`).trim(), "500");
    const readBack = readTaskAllocations(groups.layout, t, CONFIG, { cpus: 2 })!;
    assert.deepEqual(
      [readBack.cpuset_cpus, readBack.cpu_shares, readBack.cpuset_memory_migrate],
      ["0", 0.5, true],
    );
    await groups.kill(child);
  });
});

Deno.test("a pod: quota and shares on the pod's cgroup (containers unlimited), cpusets on the pod and every container", async () => {
  await withRealCgroups(["cpuset", "cpu"], 2, async (groups) => {
    initCpusets(groups);
    const pod = task("pod", groups.parent, [...groups.paths]);
    const child = groups.spawnIn(groups.paths[1]!);
    const allowed = () =>
      /Cpus_allowed_list:\s*(\S+)/.exec(Deno.readTextFileSync(`/proc/${child.pid}/status`))![1];
    const narrowed = iterate(groups, [pod], { pod: { cpuset_cpus: "1", cpu_quota: 0.5 } });
    assert.deepEqual(narrowed.errors, []);
    const shown = narrowed.writes.map((w) => [w.target.slice(w.target.indexOf(groups.parent)), w.value]);
    assert.deepEqual(shown, [
      // Narrowing: the containers first, then the pod (a v1 child must stay inside its parent).
      [`${groups.paths[0]}/cpuset.cpus`, "1"],
      [`${groups.paths[1]}/cpuset.cpus`, "1"],
      [`${groups.parent}/cpuset.cpus`, "1"],
      [`${groups.parent}/cpu.cfs_quota_us`, "100000"],
      [`${groups.paths[0]}/cpu.cfs_quota_us`, "-1"],
      [`${groups.paths[1]}/cpu.cfs_quota_us`, "-1"],
    ]);
    assert.equal(allowed(), "1");
    const widened = iterate(groups, [pod], { pod: { cpuset_cpus: "0-1" } });
    assert.deepEqual(widened.errors, []);
    assert.deepEqual(widened.writes.map((w) => w.target.slice(w.target.indexOf(groups.parent))), [
      `${groups.parent}/cpuset.cpus`,
      `${groups.paths[0]}/cpuset.cpus`,
      `${groups.paths[1]}/cpuset.cpus`,
    ], "widening: the pod first");
    assert.equal(allowed(), "0-1");
    // Below what the kernel can hold: the pod's writes say so; its containers' (lifted) are not clamped.
    const tiny = iterate(groups, [pod], { pod: { cpu_quota: 0.0001 } });
    assert.deepEqual(tiny.errors, []);
    assert.deepEqual(
      tiny.writes.map((
        w,
      ) => [w.target.slice(w.target.indexOf(groups.parent)), w.value, w.clamped !== undefined]),
      [
        [`${groups.parent}/cpu.cfs_quota_us`, "1000", true],
        [`${groups.parent}/cpu.cfs_period_us`, "1000000", true],
        [`${groups.paths[0]}/cpu.cfs_period_us`, "1000000", false],
        [`${groups.paths[0]}/cpu.cfs_quota_us`, "-1", false],
        [`${groups.paths[1]}/cpu.cfs_period_us`, "1000000", false],
        [`${groups.paths[1]}/cpu.cfs_quota_us`, "-1", false],
      ],
    );
    await groups.kill(child);
  });
});

Deno.test("an invalid allocation leaves every cgroup file untouched; so does a dry run, which reports the writes", async () => {
  await withRealCgroups(["cpuset", "cpu"], 2, (groups) => {
    initCpusets(groups);
    const [a, b] = groups.paths;
    const tasks = [task("a", a), task("b", b)];
    const before = snapshotFiles(groups, [a!, b!]);
    assert.ok(before.size >= 12, `files read: ${before.size}`);
    const invalid = iterate(groups, tasks, {
      a: { cpu_quota: 0.5, cpuset_cpus: "0", cpu_shares: 2 },
      b: { cpuset_cpus: "0-7" },
    });
    assert.equal(invalid.valid, false);
    assert.match(invalid.errors.join("\n"), /task b: cpuset_cpus "0-7" names 2, 3, 4, 5, 6, 7, not among/);
    assert.deepEqual(invalid.writes, []);
    assert.deepEqual(
      snapshotFiles(groups, [a!, b!]),
      before,
      "task a's valid values were not applied either",
    );

    const dry = iterate(groups, tasks, { a: { cpu_quota: 0.5, cpuset_cpus: "0", cpu_shares: 2 } }, {
      dryRun: true,
    });
    assert.equal(dry.valid, true);
    assert.equal(dry.dryRun, true);
    assert.deepEqual(dry.writes.map((w) => [w.allocation, w.value]), [
      ["cpuset_cpus", "0"],
      ["cpu_quota", "100000"],
      ["cpu_shares", "2000"],
    ]);
    assert.deepEqual(snapshotFiles(groups, [a!, b!]), before, "a dry run writes nothing");
  });
});

Deno.test("migrate_pages: a real process's pages to node 0; node 1 refused by validation on this one-node machine", async () => {
  await withRealCgroups(["cpu"], 1, async (groups) => {
    const path = groups.paths[0]!;
    const child = groups.spawnIn(path);
    const libc = new Libc();
    try {
      const calls: [number, number[], number[]][] = [];
      const migratePages = (pid: number, from: readonly number[], to: readonly number[]) => {
        calls.push([pid, [...from], [...to]]);
        return libc.migratePages(pid, from, to);
      };
      const ok = iterate(groups, [task("m", path)], { m: { migrate_pages: 0 } }, { migratePages });
      assert.deepEqual(ok.errors, []);
      assert.deepEqual(ok.writes.map((w) => [w.allocation, w.target, w.value]), [
        ["migrate_pages", `pid ${child.pid}`, "node 0"],
      ]);
      assert.deepEqual(calls, [[child.pid, [0], [0]]], "the kernel was asked, for the task's process");
      const refused = iterate(groups, [task("m", path)], { m: { migrate_pages: 1 } }, { migratePages });
      assert.equal(refused.valid, false);
      assert.match(
        refused.errors[0]!,
        /^task m: migrate_pages 1 is not a NUMA node of this platform \(nodes: 0\)/,
      );
      assert.equal(calls.length, 1);
    } finally {
      libc.unload();
      await groups.kill(child);
    }
  });
});
