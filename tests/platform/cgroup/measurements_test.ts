import assert from "node:assert/strict";
import { readCgroupMeasurements } from "../../../src/platform/cgroup/measurements.ts";
import { readCgroupLayout } from "../../../src/platform/cgroup/mounts.ts";
import { readPageSize } from "../../../src/platform/procfs/auxv.ts";
import { defaultHostPaths } from "../../../src/platform/host_paths.ts";
import {
  createCgroupDirs,
  fixturePaths,
  movePid,
  realCgroupDirs,
  removeCgroupDirs,
  type Scenario,
  sleep,
  spawnBusyChild,
  stopChild,
  uniqueCgroupName,
} from "../_helpers.ts";

/** Polls `read` until it returns a positive number or 5 s pass; returns the last value. */
async function eventually(read: () => number): Promise<number> {
  const deadline = Date.now() + 5000;
  let value = read();
  while (value <= 0 && Date.now() < deadline) {
    await sleep(100);
    value = read();
  }
  return value;
}

function measure(scenario: Scenario, cgroupPath: string) {
  const paths = fixturePaths(scenario);
  return readCgroupMeasurements(readCgroupLayout(paths), cgroupPath, { pageSize: readPageSize(paths) });
}

function ok(scenario: Scenario, cgroupPath: string) {
  const result = measure(scenario, cgroupPath);
  assert.equal(result.kind, "ok", `${scenario} ${cgroupPath}: ${JSON.stringify(result)}`);
  return result.kind === "ok" ? result.measurements : assert.fail();
}

Deno.test("v1_split (this machine's copy): cpuacct apart from cpu, memory v1, PSI from cgroup2", () => {
  const m = ok("v1_split", "/task1");
  assert.ok(m.cpuUsageSeconds! > 2, "task1 spun for 2 s");
  assert.equal(m.memoryLimitBytes, 536870912);
  assert.equal(m.memorySoftLimitBytes, 268435456);
  assert.ok(m.memoryUsageBytes! > 40 * 2 ** 20 && m.memoryMaxUsageBytes! >= m.memoryUsageBytes!);
  assert.ok(m.numaPages!.get(0)! > 10000 && m.numaPages!.size === 1);
  assert.ok(m.pageFaults! > 10000);
  assert.ok(m.pids!.length >= 1);
  assert.ok(m.cpuPressure!.full !== undefined && m.memoryPressure && m.ioPressure);
  const idle = ok("v1_split", "/task2");
  assert.equal(idle.memoryLimitBytes, Infinity);
  assert.equal(idle.memorySoftLimitBytes, Infinity);
});

Deno.test("v1_comounted: one cpu,cpuacct hierarchy, no cgroup2 so no pressure", () => {
  const m = ok("v1_comounted", "/task1");
  assert.equal(m.cpuUsageSeconds, 734.982391022);
  assert.deepEqual([...m.numaPages!], [[0, 400000], [1, 124288]]);
  assert.equal(m.pageFaults, 1876543);
  assert.equal("cpuPressure" in m, false);
  const nested = ok("v1_comounted", "/docker/3f1c9a7e5b2d");
  assert.equal(nested.cpuUsageSeconds, 12);
  assert.deepEqual(nested.pids, [30211, 30230]);
  assert.deepEqual([...nested.numaPages!], [[0, 21200], [1, 4400]]);
});

Deno.test("v2_unified: everything from one directory; optional files absent, not errors", () => {
  const m = ok("v2_unified", "/task1");
  assert.deepEqual(Object.keys(m).sort(), [
    "cpuPressure",
    "cpuUsageSeconds",
    "ioPressure",
    "memoryLimitBytes",
    "memoryMaxUsageBytes",
    "memoryPressure",
    "memorySoftLimitBytes",
    "memoryUsageBytes",
    "numaPages",
    "pageFaults",
    "pids",
  ]);
  assert.equal(m.memoryLimitBytes, Infinity);
  const pod = ok(
    "v2_unified",
    "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0f1e2d3c.slice",
  );
  assert.equal(pod.cpuUsageSeconds, 5);
  assert.equal(pod.memoryLimitBytes, 1073741824);
  for (const key of ["memoryMaxUsageBytes", "cpuPressure", "memoryPressure", "ioPressure"]) {
    assert.equal(key in pod, false, key);
  }
});

Deno.test("hybrid: PSI for a task present in cgroup2, none for a v1-only task", () => {
  const m = ok("hybrid", "/task1");
  assert.equal(m.cpuUsageSeconds, 48.211987654);
  assert.equal(m.cpuPressure!.full, undefined); // Linux 5.4: cpu.pressure has no full line
  assert.equal(m.memoryLimitBytes, 1073741824);
  assert.deepEqual(m.pids, [5120, 5121]); // v1 tasks, not the cgroup2 side
  const v1Only = ok("hybrid", "/task2");
  assert.equal(v1Only.cpuUsageSeconds, 3);
  assert.equal("cpuPressure" in v1Only, false);
});

Deno.test("fixtures: a cgroup that does not exist is gone, never an exception", () => {
  for (const scenario of ["v1_split", "v1_comounted", "v2_unified", "hybrid"] as const) {
    const result = measure(scenario, "/vanished");
    assert.equal(result.kind, "gone", scenario);
    assert.ok(
      result.kind === "gone" && result.path.endsWith("/vanished") && result.errno === "ENOENT",
      scenario,
    );
  }
});

Deno.test("cgroup paths may not climb out of the hierarchy", () => {
  const layout = readCgroupLayout(fixturePaths("v2_unified"));
  for (const bad of ["task1", "/../etc", "/task1/../..", "/./task1"]) {
    assert.throws(() => readCgroupMeasurements(layout, bad), TypeError, bad);
  }
  assert.equal(readCgroupMeasurements(layout, "/").kind, "ok"); // the root cgroup is a valid path
});

Deno.test("reading does not leak file descriptors", () => {
  const paths = fixturePaths("v1_split");
  const layout = readCgroupLayout(paths);
  // Other test modules may share this process (--parallel), so count only descriptors into the fixture.
  const open = () =>
    [...Deno.readDirSync("/proc/self/fd")].filter((fd) => {
      try {
        return Deno.readLinkSync(`/proc/self/fd/${fd.name}`).startsWith(paths.cgroup);
      } catch {
        return false; // closed between listing and readlink
      }
    }).length;
  for (let i = 0; i < 200; i++) {
    readCgroupMeasurements(layout, "/task1");
    readCgroupMeasurements(layout, "/gone");
  }
  assert.equal(open(), 0);
});

Deno.test("real cgroups: a busy child's CPU rises, its pid is listed, removal reads as gone", async () => {
  const paths = defaultHostPaths();
  const layout = readCgroupLayout(paths);
  const name = uniqueCgroupName("measure");
  const cgroupPath = `/${name}`;
  const dirs = realCgroupDirs(layout, name);
  const { child, start } = spawnBusyChild();
  try {
    createCgroupDirs(dirs);
    movePid(dirs, child.pid);
    await start();
    const options = { pageSize: readPageSize(paths) };
    const first = readCgroupMeasurements(layout, cgroupPath, options);
    await sleep(300);
    const second = readCgroupMeasurements(layout, cgroupPath, options);
    assert.equal(first.kind, "ok");
    assert.equal(second.kind, "ok");
    if (first.kind !== "ok" || second.kind !== "ok") return;
    const [a, b] = [first.measurements, second.measurements];
    assert.ok(
      b.cpuUsageSeconds! - a.cpuUsageSeconds! > 0.05,
      `cpu ${a.cpuUsageSeconds} -> ${b.cpuUsageSeconds}`,
    );
    assert.deepEqual(b.pids, [child.pid]);
    if (layout.v1.has("memory") || layout.mode === "v2") {
      assert.ok(b.memoryUsageBytes! > 0, "exec after the move charges pages to the cgroup");
      assert.equal(b.memoryLimitBytes, Infinity);
      assert.ok(b.numaPages!.size >= 1);
      // memcg event counters are flushed lazily (every ~2 s for small counts), so poll for them.
      const faults = await eventually(() => {
        const r = readCgroupMeasurements(layout, cgroupPath, options);
        return r.kind === "ok" ? r.measurements.pageFaults ?? 0 : 0;
      });
      assert.ok(faults > 0, "the exec'd child's page faults are counted");
    }
    if (layout.unified !== undefined && Deno.statSync(`${layout.unified.mountPoint}/cpu.pressure`).isFile) {
      assert.ok(b.cpuPressure !== undefined, "PSI read from the cgroup2 side");
    }

    await stopChild(child);
    await removeCgroupDirs(dirs);
    const gone = readCgroupMeasurements(layout, cgroupPath, options);
    assert.equal(gone.kind, "gone");
    assert.ok(gone.kind === "gone" && gone.path.includes(name));
  } finally {
    await stopChild(child);
    await removeCgroupDirs(dirs);
  }
});

Deno.test("real cgroups: each v1 hierarchy and the cgroup2 child are removed independently", async () => {
  const layout = readCgroupLayout(defaultHostPaths());
  const name = uniqueCgroupName("partial");
  const dirs = realCgroupDirs(layout, name);
  try {
    createCgroupDirs(dirs);
    const cgroupPath = `/${name}`;
    assert.equal(readCgroupMeasurements(layout, cgroupPath).kind, "ok");
    if (layout.mode === "hybrid") {
      // The cgroup2 side is optional on a hybrid host: losing it drops pressure data only.
      await removeCgroupDirs([`${layout.unified!.mountPoint}/${name}`]);
      const result = readCgroupMeasurements(layout, cgroupPath);
      assert.equal(result.kind, "ok");
      assert.ok(result.kind === "ok" && !("cpuPressure" in result.measurements));
    }
    const memory = layout.v1.get("memory");
    if (memory !== undefined) {
      await removeCgroupDirs([`${memory.mountPoint}/${name}`]);
      const result = readCgroupMeasurements(layout, cgroupPath);
      assert.equal(result.kind, "gone");
      assert.ok(result.kind === "gone" && result.path === `${memory.mountPoint}/${name}`);
    }
  } finally {
    await removeCgroupDirs(dirs);
  }
});
