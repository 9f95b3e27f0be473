/**
 * ResctrlTaskGroups against the kernel model: a task's monitoring group follows it into and out of
 * control groups, the kernel's rule (a thread is in a MON group only if the parent CTRL_MON group holds
 * it) holds after every step, CLOSIDs run out where the kernel says, and a restart finds the placement.
 */
import assert from "node:assert/strict";
import { readResctrlInfo } from "../../../src/platform/resctrl/info.ts";
import { listDirectories, ResctrlLimitError } from "../../../src/platform/resctrl/groups.ts";
import { ResctrlTaskGroups } from "../../../src/platform/resctrl/task_groups.ts";
import { resctrlHost } from "../../helpers/resctrl_model.ts";

const ids = (dir: string) => Deno.readTextFileSync(`${dir}/tasks`).split("\n").filter(Boolean).map(Number);

/** Every thread in a monitoring group is held by that group's control group (for the root: by no other). */
function assertKernelRule(root: string): void {
  const controls = listDirectories(root).filter((n) => !["info", "mon_groups", "mon_data"].includes(n));
  const inOther = new Set(controls.flatMap((c) => ids(`${root}/${c}`)));
  for (const mon of listDirectories(`${root}/mon_groups`)) {
    for (const id of ids(`${root}/mon_groups/${mon}`)) {
      assert.ok(!inOther.has(id), `thread ${id} in root's mon group ${mon} but held by a control group`);
    }
  }
  for (const control of controls) {
    const held = new Set(ids(`${root}/${control}`));
    for (const mon of listDirectories(`${root}/${control}/mon_groups`)) {
      for (const id of ids(`${root}/${control}/mon_groups/${mon}`)) {
        assert.ok(held.has(id), `thread ${id} in ${control}/mon_groups/${mon} but not in ${control}`);
      }
    }
  }
}

Deno.test("assign: the monitoring group moves under the new control group, and back to the root", async () => {
  await using host = await resctrlHost("intel_2s_cdp");
  const root = host.paths.resctrl;
  const owner = new ResctrlTaskGroups(readResctrlInfo(host.paths)!, host.model);
  const monitor = owner.monitor!;
  monitor.sync([{ group: "wca-a", ids: [11, 12] }, { group: "wca-b", ids: [21] }]);
  host.model.settle();
  assert.equal(monitor.dir("wca-a"), `${root}/mon_groups/wca-a`);

  const moved = owner.assign("wca-a", "be", [11, 12]);
  host.model.settle();
  assert.deepEqual([moved.from, moved.to, moved.monitor?.status], ["", "be", "moved"]);
  assert.deepEqual(moved.write.written, [11, 12]);
  assert.deepEqual(listDirectories(`${root}/mon_groups`), ["wca-b"], "gone from the root's mon_groups");
  assert.equal(monitor.dir("wca-a"), `${root}/be/mon_groups/wca-a`);
  assert.deepEqual(ids(`${root}/be`), [11, 12]);
  assert.deepEqual(ids(`${root}/be/mon_groups/wca-a`), [11, 12]);
  assertKernelRule(root);
  host.model.setCounter(monitor.dir("wca-a"), "mon_L3_00", "llc_occupancy", 4096);
  assert.equal(monitor.read("wca-a")?.totals.llc_occupancy, 4096, "the source reads it at its new place");

  // A new thread of the task: the control group gets it before the monitoring group.
  const next = monitor.sync([{ group: "wca-a", ids: [11, 12, 13] }, { group: "wca-b", ids: [21] }]);
  host.model.settle();
  assert.equal(next.outcomes[0]!.status, "kept");
  assert.deepEqual(ids(`${root}/be`), [11, 12, 13]);
  assert.deepEqual(ids(`${root}/be/mon_groups/wca-a`), [11, 12, 13]);
  assertKernelRule(root);

  const back = owner.assign("wca-a", "", [11, 12, 13]);
  host.model.settle();
  assert.deepEqual(
    [back.from, back.to, back.removedControl],
    ["be", "", "be"],
    "the emptied group is removed",
  );
  assert.deepEqual(listDirectories(root).filter((n) => n === "be"), []);
  assert.deepEqual(ids(`${root}/mon_groups/wca-a`), [11, 12, 13]);
  assertKernelRule(root);
});

Deno.test("assign: a group two tasks share stays while one of them is in it", async () => {
  await using host = await resctrlHost("amd_epyc_2s");
  const owner = new ResctrlTaskGroups(readResctrlInfo(host.paths)!, host.model);
  owner.assign("wca-a", "shared", [1]);
  owner.assign("wca-b", "shared", [2]);
  host.model.settle();
  const out = owner.assign("wca-a", "own", [1]);
  host.model.settle();
  assert.equal(out.removedControl, undefined);
  assert.deepEqual(ids(`${host.paths.resctrl}/shared`), [2]);
  assertKernelRule(host.paths.resctrl);
});

Deno.test("CLOSIDs: the root holds one; the last free one is refused before the kernel would", async () => {
  await using host = await resctrlHost("intel_2s_cdp"); // num_closids 8
  const owner = new ResctrlTaskGroups(readResctrlInfo(host.paths)!, host.model);
  for (let i = 0; i < 7; i++) owner.assign(`wca-t${i}`, `g${i}`, [100 + i]);
  assert.throws(
    () => owner.assign("wca-t7", "g7", [107]),
    (e: unknown) =>
      e instanceof ResctrlLimitError && e.exhausted === "CLOSID" &&
      /all 8 CLOSIDs are in use/.test(e.message),
  );
});

Deno.test("restart: the placement is found where the groups are; the system's tasks decide locate()", async () => {
  await using host = await resctrlHost("intel_1s_mba_mbps");
  const info = readResctrlInfo(host.paths)!;
  const first = new ResctrlTaskGroups(info, host.model);
  first.monitor!.sync([{ group: "wca-a", ids: [5, 6] }]);
  first.assign("wca-a", "be", [5, 6]);
  host.model.settle();
  // The agent restarts: nothing remembered, the groups are still there.
  const second = new ResctrlTaskGroups(info, host.model);
  assert.equal(second.controlOf("wca-a"), "be");
  const pass = second.monitor!.sync([{ group: "wca-a", ids: [5, 6] }]);
  assert.equal(pass.outcomes[0]!.status, "reused");
  assert.equal(second.monitor!.dir("wca-a"), `${host.paths.resctrl}/be/mon_groups/wca-a`);
  assert.deepEqual(pass.removed, []);
  const byThread = second.controlGroupsByThread();
  assert.deepEqual([...byThread], [[5, "be"], [6, "be"]]);
  assert.equal(second.locate("wca-a", [5, 6], byThread), "be");
  assert.equal(second.locate("wca-z", [9]), "", "a thread in no control group is in the root group");
});

Deno.test("schemata: written as validated (MB rounded up to bandwidth_gran), read back per group; root defaults", async () => {
  await using host = await resctrlHost("intel_2s_cdp");
  const owner = new ResctrlTaskGroups(readResctrlInfo(host.paths)!, host.model);
  owner.assign("wca-a", "be", [1]);
  const written = owner.writeSchemata("be", { l3: "L3:0=f", mb: "MB:0=25" });
  assert.deepEqual(written.lines, ["L3CODE:0=f", "L3DATA:0=f", "MB:0=30"]);
  assert.equal(
    Deno.readTextFileSync(`${host.paths.resctrl}/be/schemata`),
    "L3CODE:0=f\nL3DATA:0=f\nMB:0=30\n",
  );
  owner.control!.setRootDefaults({ l3: "L3:0=3ff;1=3ff", mb: "MB:0=91;1=100" });
  assert.equal(
    Deno.readTextFileSync(`${host.paths.resctrl}/schemata`),
    "L3CODE:0=3ff;1=3ff\nL3DATA:0=3ff;1=3ff\nMB:0=100;1=100\n",
  );
  assert.deepEqual(owner.schemataOf(""), {
    l3: "L3CODE:0=3ff;1=3ff\nL3DATA:0=3ff;1=3ff",
    mb: "MB:0=100;1=100",
  });
});
