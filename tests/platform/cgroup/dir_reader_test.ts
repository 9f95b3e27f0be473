import assert from "node:assert/strict";
import { CgroupGoneSignal, dirReader } from "../../../src/platform/cgroup/dir_reader.ts";
import { readCgroupLayout } from "../../../src/platform/cgroup/mounts.ts";
import { defaultHostPaths } from "../../../src/platform/host_paths.ts";
import { fixtureRoot, removeCgroupDirs, uniqueCgroupName } from "../_helpers.ts";

const TASK1 = `${fixtureRoot("v2_unified")}/sys/fs/cgroup/task1`;

Deno.test("dirReader: a present file is read, a missing file in an existing directory is absent", () => {
  for (const primary of [true, false]) {
    const reader = dirReader(TASK1, primary);
    assert.equal(reader.read("memory.max"), "max\n");
    assert.equal(reader.read("memory.swap.max"), undefined);
  }
});

Deno.test("dirReader: a missing directory is gone for a primary hierarchy, absent for a secondary one", () => {
  const dir = `${fixtureRoot("v2_unified")}/sys/fs/cgroup/no_such_task`;
  assert.throws(() => dirReader(dir, true).read("cpu.stat"), (e: unknown) => {
    return e instanceof CgroupGoneSignal && e.path === dir && e.errno === "ENOENT";
  });
  assert.equal(dirReader(dir, false).read("cpu.stat"), undefined);
});

Deno.test("dirReader: other errors propagate (reading a directory as a file)", () => {
  assert.throws(() => dirReader(`${fixtureRoot("v2_unified")}/sys/fs/cgroup`, true).read("task1"));
});

Deno.test("real cgroup: reads before and gone after removal", async () => {
  const layout = readCgroupLayout(defaultHostPaths());
  const mount = layout.v1.get("cpuacct") ?? layout.unified!;
  const dir = `${mount.mountPoint}/${uniqueCgroupName("dir_reader")}`;
  Deno.mkdirSync(dir);
  try {
    const reader = dirReader(dir, true);
    assert.equal(reader.read("cgroup.procs"), "");
    Deno.removeSync(dir);
    assert.throws(() => reader.read("cgroup.procs"), CgroupGoneSignal);
    assert.equal(dirReader(dir, false).read("cgroup.procs"), undefined);
  } finally {
    await removeCgroupDirs([dir]);
  }
});
