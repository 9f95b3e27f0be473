/**
 * openFilesDirReader: the same measurements as the open-read-close reader on every fixture host, at one
 * pread per present file once the files are open; absent files probed once; v1 pid lists fresh.
 */
import assert from "node:assert/strict";
import { ERRNO, ErrnoError, Libc } from "../../../ffi/mod.ts";
import { readCgroupMeasurements } from "../../../src/platform/cgroup/measurements.ts";
import { CgroupGoneSignal, openFilesDirReader } from "../../../src/platform/cgroup/dir_reader.ts";
import { readCgroupLayout } from "../../../src/platform/cgroup/mounts.ts";
import { defaultHostPaths } from "../../../src/platform/host_paths.ts";
import { OpenFiles, ReadBuffer } from "../../../src/platform/open_files.ts";
import { readPageSize } from "../../../src/platform/procfs/auxv.ts";
import { countingCalls } from "../../helpers/counting_calls.ts";
import { fixturePaths, fixtureRoot, removeCgroupDirs, SCENARIOS, uniqueCgroupName } from "../_helpers.ts";

const TASKS = {
  v1_split: ["/task1", "/task2"],
  v1_comounted: ["/task1", "/docker/3f1c9a7e5b2d"],
  v2_unified: ["/task1", "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0f1e2d3c.slice"],
  hybrid: ["/task1", "/task2"],
} as const;

function withLibc<T>(body: (libc: Libc) => T): T {
  const libc = new Libc();
  try {
    return body(libc);
  } finally {
    libc.unload();
  }
}

Deno.test("kept-open files measure what open-read-close measures, then cost one pread per present file", () => {
  withLibc((libc) => {
    for (const scenario of SCENARIOS) {
      const paths = fixturePaths(scenario);
      const layout = readCgroupLayout(paths);
      const pageSize = readPageSize(paths);
      for (const task of TASKS[scenario]) {
        const calls = countingCalls(libc);
        const files = new OpenFiles(calls, new ReadBuffer());
        const expected = readCgroupMeasurements(layout, task, { pageSize });
        const first = readCgroupMeasurements(layout, task, { pageSize, files });
        assert.deepEqual(first, expected, `${scenario} ${task}`);
        const opened = files.openCount;
        // v1 pid lists are opened afresh each time (see FileShape.reopen), so they cost open+pread+close.
        const reopened = layout.mode === "v2" ? 0 : 1;
        calls.reset();
        assert.deepEqual(readCgroupMeasurements(layout, task, { pageSize, files }), expected);
        assert.deepEqual(
          calls.counts,
          { open: reopened, pread: opened + reopened, close: reopened },
          `${scenario} ${task}: ${opened} files held`,
        );
        files.closeAll();
        assert.equal(calls.counts.close, reopened + opened);
      }
    }
  });
});

Deno.test("absent files (a v1-only task's cgroup2 side, files this kernel lacks) are probed once per task", () => {
  withLibc((libc) => {
    const paths = fixturePaths("hybrid");
    const layout = readCgroupLayout(paths);
    const calls = countingCalls(libc);
    const files = new OpenFiles(calls, new ReadBuffer());
    readCgroupMeasurements(layout, "/task2", { files });
    const probes = calls.counts.open;
    calls.reset();
    readCgroupMeasurements(layout, "/task2", { files });
    readCgroupMeasurements(layout, "/task2", { files });
    assert.equal(calls.counts.open, 2, "only the v1 tasks file, opened fresh each time");
    assert.ok(probes > files.openCount + 1, `${probes} probes for ${files.openCount} open files`);
    files.closeAll();
    calls.reset();
    readCgroupMeasurements(layout, "/task2", { files });
    assert.equal(calls.counts.open, probes, "after closeAll a task probes again");
    files.closeAll();
  });
});

Deno.test("EOPNOTSUPP on read (PSI files of a kernel booted psi=0) makes the file absent, not an error", () => {
  withLibc((libc) => {
    const calls = countingCalls(libc);
    const refusing = {
      ...calls,
      pread(fd: number, buffer: Uint8Array<ArrayBuffer>, offset: number) {
        if (psiFds.has(fd)) throw new ErrnoError("pread", ERRNO.EOPNOTSUPP, "Operation not supported");
        return calls.pread(fd, buffer, offset);
      },
      open(path: string) {
        const fd = calls.open(path);
        if (path.endsWith(".pressure")) psiFds.add(fd);
        return fd;
      },
      close(fd: number) {
        psiFds.delete(fd);
        calls.close(fd);
      },
    };
    const psiFds = new Set<number>();
    const files = new OpenFiles(refusing, new ReadBuffer());
    const dir = `${fixtureRoot("v2_unified")}/sys/fs/cgroup/task1`;
    const reader = openFilesDirReader(files, dir, true);
    assert.equal(reader.read("cpu.pressure"), undefined);
    assert.equal(reader.read("memory.max"), "max\n");
    calls.reset();
    assert.equal(reader.read("cpu.pressure"), undefined);
    assert.equal(calls.counts.pread, 0, "not read again");
    files.closeAll();
  });
});

Deno.test("real v1 pid list: a process that joins after the first read is listed (no stale pidlist)", async () => {
  const layout = readCgroupLayout(defaultHostPaths());
  const mount = layout.v1.get("cpuacct") ?? layout.v1.get("cpu");
  assert.ok(mount, "this host mounts cpuacct (or cpu) as cgroup v1");
  const dir = `${mount.mountPoint}/${uniqueCgroupName("pidlist")}`;
  Deno.mkdirSync(dir);
  const child = new Deno.Command("sleep", { args: ["600"], stdout: "null", stderr: "null" }).spawn();
  const libc = new Libc();
  const files = new OpenFiles(libc, new ReadBuffer());
  try {
    const reader = openFilesDirReader(files, dir, true);
    assert.equal(reader.read("tasks"), "");
    Deno.writeTextFileSync(`${dir}/cgroup.procs`, `${child.pid}\n`);
    assert.equal(reader.read("tasks"), `${child.pid}\n`);
    child.kill("SIGKILL");
    await child.status;
    assert.equal(reader.read("tasks"), "");
    Deno.removeSync(dir);
    assert.throws(() => reader.read("tasks"), CgroupGoneSignal);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* exited */ }
    await child.status;
    files.closeAll();
    libc.unload();
    await removeCgroupDirs([dir]);
  }
});
