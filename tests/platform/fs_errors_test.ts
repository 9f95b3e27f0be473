import assert from "node:assert/strict";
import { errnoName, isGoneError, isNotFound, readUnlessGone } from "../../src/platform/fs_errors.ts";
import { readCgroupLayout } from "../../src/platform/cgroup/mounts.ts";
import { defaultHostPaths } from "../../src/platform/host_paths.ts";
import { removeCgroupDirs, uniqueCgroupName } from "./_helpers.ts";

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

Deno.test("errnoName: Deno's NotFound, code properties, and '(os error N)' messages", () => {
  const notFound = thrown(() => Deno.readTextFileSync("/nonexistent/wca/x"));
  assert.equal(errnoName(notFound), "ENOENT");
  assert.ok(isNotFound(notFound) && isGoneError(notFound));
  assert.equal(errnoName(Object.assign(new Error("x"), { code: "EACCES" })), "EACCES");
  assert.equal(errnoName(new Error("No such device (os error 19)")), "ENODEV");
  assert.equal(errnoName(new Error("Operation not supported (os error 95)")), "EOPNOTSUPP");
  assert.equal(errnoName(new Error("Something (os error 121)")), "errno 121");
  assert.equal(errnoName(new Error("plain")), undefined);
  assert.equal(errnoName("not an error"), undefined);
  assert.ok(!isGoneError(new Error("Permission denied (os error 13)")));
});

Deno.test("real cgroups: a file read after its cgroup is removed fails with ENODEV; a dead pid with ESRCH", async () => {
  const layout = readCgroupLayout(defaultHostPaths());
  const mount = layout.v1.get("memory") ?? layout.unified;
  assert.ok(mount, "this host has a memory v1 hierarchy or a cgroup2 mount");
  const dir = `${mount.mountPoint}/${uniqueCgroupName("enodev")}`;
  Deno.mkdirSync(dir);
  try {
    const file = Deno.openSync(`${dir}/cgroup.procs`);
    try {
      Deno.removeSync(dir);
      const error = thrown(() => file.readSync(new Uint8Array(64)));
      assert.equal(errnoName(error), "ENODEV");
      assert.ok(isGoneError(error));
    } finally {
      file.close();
    }
  } finally {
    await removeCgroupDirs([dir]);
  }
  const dir2 = `${mount.mountPoint}/${uniqueCgroupName("esrch")}`;
  Deno.mkdirSync(dir2);
  try {
    // pid_max is at most 2^22: this pid cannot exist.
    const error = thrown(() => Deno.writeTextFileSync(`${dir2}/cgroup.procs`, "2147483647\n"));
    assert.equal(errnoName(error), "ESRCH");
    assert.ok(isGoneError(error));
  } finally {
    await removeCgroupDirs([dir2]);
  }
});

Deno.test("readUnlessGone: the text, undefined when the file is gone, other errors thrown", () => {
  assert.equal(readUnlessGone("/nonexistent/wca/x"), undefined);
  assert.match(readUnlessGone("/proc/self/status")!, /^Name:/);
  assert.throws(() => readUnlessGone("/proc/self"), /directory/i);
});
