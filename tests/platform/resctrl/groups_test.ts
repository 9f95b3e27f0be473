/** Group names, group creation against the kernel model, and task id writes against a real kernel file. */
import assert from "node:assert/strict";
import {
  checkGroupName,
  GROUP_PREFIX,
  groupNameFor,
  makeGroup,
  ResctrlLimitError,
  ResctrlWriteError,
  writeControlFile,
  writeGroupTasks,
} from "../../../src/platform/resctrl/groups.ts";
import { withRealCgroups } from "../../helpers/real_cgroups.ts";
import { resctrlHost } from "../../helpers/resctrl_model.ts";

Deno.test("groupNameFor: prefixed, stable, distinct where the readable part is the same, short enough", () => {
  const name = groupNameFor("/kubepods/burstable/pod1a2b/0c3d");
  assert.match(name, /^wca-kubepods-burstable-pod1a2b-0c3d-[0-9a-f]{8}$/);
  assert.equal(groupNameFor("/kubepods/burstable/pod1a2b/0c3d"), name, "the same path gives the same name");
  assert.notEqual(groupNameFor("/a-b"), groupNameFor("/a/b"));
  assert.match(groupNameFor("/"), /^wca-root-[0-9a-f]{8}$/);
  assert.match(groupNameFor("/system.slice/my app@1.service"), /^wca-system.slice-my_app@1.service-/);
  const long = "/x".repeat(400);
  assert.ok(groupNameFor(long).length <= 200);
  assert.notEqual(groupNameFor(long), groupNameFor(long + "y"));
  assert.ok(groupNameFor("/t").startsWith(GROUP_PREFIX));
  for (const path of ["/a", "/a/b c", "/ü/€", "/" + "z".repeat(300)]) checkGroupName(groupNameFor(path));
});

Deno.test("checkGroupName: refuses names that are not one plain directory", () => {
  for (const bad of ["", ".", "..", "a/b", "info", "mon_groups", "mon_data", "x\ny", "é"]) {
    assert.throws(() => checkGroupName(bad), /invalid resctrl group name/, JSON.stringify(bad));
  }
  checkGroupName("be-1");
});

Deno.test("makeGroup: created, then found; out of RMIDs and RMIDs in limbo say what ran out and what to do", async () => {
  await using host = await resctrlHost("intel_1s_mba_mbps");
  const root = host.paths.resctrl;
  await Deno.writeTextFile(`${root}/info/L3_MON/num_rmids`, "5\n"); // root + 2 leftovers + 2 more
  const limits = { numRmids: 5 };
  assert.equal(makeGroup(root, `${root}/mon_groups/a`, "mon", limits, host.model), "created");
  assert.equal(await Deno.readTextFile(`${root}/mon_groups/a/tasks`), "", "the model made the group's files");
  assert.equal(makeGroup(root, `${root}/mon_groups/a`, "mon", limits, host.model), "exists");
  assert.equal(makeGroup(root, `${root}/mon_groups/b`, "mon", limits, host.model), "created");
  assert.throws(
    () => makeGroup(root, `${root}/mon_groups/c`, "mon", limits, host.model),
    (error: unknown) => {
      assert.ok(error instanceof ResctrlLimitError);
      assert.equal(error.exhausted, "RMID");
      assert.match(
        error.message,
        /cannot create monitoring group .*\/mon_groups\/c: no free RMID \(kernel: Out of RMIDs\)/,
      );
      assert.match(error.message, /all 5 RMIDs \(info\/L3_MON\/num_rmids\) are held by resctrl groups/);
      assert.match(error.message, /Remove groups that are no longer needed/);
      return true;
    },
  );
  host.model.limbo = 1;
  assert.throws(
    () => makeGroup(root, `${root}/mon_groups/c`, "mon", limits, host.model),
    /every free RMID is still "in limbo".*max_threshold_occupancy/,
  );
});

Deno.test("makeGroup: a control group refused for want of a CLOSID says so", async () => {
  await using host = await resctrlHost("amd_epyc_2s");
  const root = host.paths.resctrl;
  await Deno.writeTextFile(`${root}/info/L3/num_closids`, "2\n");
  makeGroup(root, `${root}/g1`, "ctrl", { closids: 2 }, host.model);
  assert.throws(
    () => makeGroup(root, `${root}/g2`, "ctrl", { closids: 2 }, host.model),
    (error: unknown) =>
      error instanceof ResctrlLimitError && error.exhausted === "CLOSID" &&
      /no free CLOSID or RMID \(kernel: Out of CLOSIDs\); this host allows 2 control groups/.test(
        error.message,
      ),
  );
});

Deno.test("writeGroupTasks: one id per write() into a real kernel tasks file; exited threads skipped, bad ids refused", async () => {
  await withRealCgroups(["cpuacct"], 1, async (groups) => {
    const dir = groups.dirs(groups.paths[0]!)[0]!;
    const a = groups.spawnIn(groups.parent);
    const b = groups.spawnIn(groups.parent);
    const exited = new Deno.Command("true").spawn();
    await exited.status;
    const result = writeGroupTasks("/nonexistent-resctrl", dir, [a.pid, exited.pid, b.pid, -1]);
    assert.deepEqual(result.written, [a.pid, b.pid], "the kernel takes one id per write, so both landed");
    assert.deepEqual(result.gone, [exited.pid]);
    assert.equal(result.refused.length, 1);
    assert.equal(result.refused[0]!.id, -1);
    assert.match(result.refused[0]!.reason, /os error 22/);
    const tasks = (await Deno.readTextFile(`${dir}/tasks`)).split("\n").filter(Boolean).map(Number).sort();
    assert.deepEqual(tasks, [a.pid, b.pid].sort());
  });
});

Deno.test("writeGroupTasks: a group that is gone is an error naming the file", () => {
  assert.throws(
    () => writeGroupTasks("/r", "/nonexistent-resctrl/mon_groups/x", [1]),
    (error: unknown) =>
      error instanceof ResctrlWriteError &&
      /cannot open \/nonexistent-resctrl\/mon_groups\/x\/tasks/.test(error.message),
  );
});

Deno.test("writeControlFile: a refused write carries the errno and the kernel's last_cmd_status", async () => {
  await using host = await resctrlHost("amd_epyc_2s");
  const root = host.paths.resctrl;
  // The model cannot refuse a write, so the file is pointed at /dev/full, which refuses every write.
  await Deno.remove(`${root}/schemata`);
  await Deno.symlink("/dev/full", `${root}/schemata`);
  await Deno.writeTextFile(`${root}/info/last_cmd_status`, "MB value 5000 out of range [0,2048]\n");
  assert.throws(
    () => writeControlFile(root, `${root}/schemata`, "MB:0=5000\n"),
    (error: unknown) =>
      error instanceof ResctrlWriteError && error.errno === "ENOSPC" &&
      error.message.includes(`writing "MB:0=5000" to ${root}/schemata failed`) &&
      error.message.endsWith("(kernel: MB value 5000 out of range [0,2048])"),
  );
});
