/** MonitorGroups: one MON group per task kept in step with the tasks, against the kernel model. */
import assert from "node:assert/strict";
import { readResctrlInfo } from "../../../src/platform/resctrl/info.ts";
import { MonitorGroups } from "../../../src/platform/resctrl/monitor.ts";
import { listDirectories, ResctrlLimitError } from "../../../src/platform/resctrl/groups.ts";
import { resctrlHost } from "../../helpers/resctrl_model.ts";

const tasksOf = async (dir: string) =>
  (await Deno.readTextFile(`${dir}/tasks`)).split("\n").filter(Boolean).map(Number);

Deno.test("sync: a group per task with its ids; later passes add only new ids; a task that goes loses its group", async () => {
  await using host = await resctrlHost("intel_2s_cdp");
  const groups = new MonitorGroups(readResctrlInfo(host.paths)!, host.model);
  const first = groups.sync([{ group: "wca-a", ids: [11, 12] }, { group: "wca-b", ids: [21] }]);
  assert.deepEqual(first.outcomes.map((o) => [o.group, o.status]), [["wca-a", "created"], [
    "wca-b",
    "created",
  ]]);
  assert.deepEqual(await tasksOf(groups.dir("wca-a")), [11, 12]);
  host.model.settle();

  const second = groups.sync([{ group: "wca-a", ids: [11, 12, 13] }]);
  const a = second.outcomes[0]!;
  assert.ok(a.status === "kept");
  assert.deepEqual(a.write.written, [13], "only the new thread is written");
  assert.deepEqual(await tasksOf(groups.dir("wca-a")), [11, 12, 13]);
  assert.deepEqual(second.removed, ["wca-b"]);
  assert.deepEqual(listDirectories(`${host.paths.resctrl}/mon_groups`), ["wca-a"]);
  assert.deepEqual(groups.groups, ["wca-a"]);
});

Deno.test("sync: a thread moved out of the task's group (by another tool) is put back", async () => {
  await using host = await resctrlHost("amd_epyc_2s");
  const root = host.paths.resctrl;
  const groups = new MonitorGroups(readResctrlInfo(host.paths)!, host.model);
  groups.sync([{ group: "wca-a", ids: [5, 6] }]);
  host.model.settle();
  host.model.mkdir(`${root}/mon_groups/intruder`);
  await Deno.writeTextFile(`${root}/mon_groups/intruder/tasks`, "6\n", { append: true });
  host.model.settle();
  assert.deepEqual(await tasksOf(groups.dir("wca-a")), [5], "the model moved 6 away");
  const outcome = groups.sync([{ group: "wca-a", ids: [5, 6] }]).outcomes[0]!;
  assert.ok(outcome.status === "kept");
  assert.deepEqual(outcome.write.written, [6]);
  host.model.settle();
  assert.deepEqual(await tasksOf(groups.dir("wca-a")), [5, 6]);
  assert.deepEqual(await tasksOf(`${root}/mon_groups/intruder`), []);
});

Deno.test("sync: a group removed behind the agent's back is made again", async () => {
  await using host = await resctrlHost("amd_epyc_2s");
  const groups = new MonitorGroups(readResctrlInfo(host.paths)!, host.model);
  groups.sync([{ group: "wca-a", ids: [5] }]);
  host.model.rmdir(groups.dir("wca-a"));
  const outcome = groups.sync([{ group: "wca-a", ids: [5] }]).outcomes[0]!;
  assert.equal(outcome.status, "created");
  assert.deepEqual(await tasksOf(groups.dir("wca-a")), [5]);
});

Deno.test("leftovers of an earlier run: reused for the same task, else removed; other tools' groups untouched", async () => {
  await using host = await resctrlHost("intel_1s_mba_mbps");
  const root = host.paths.resctrl;
  host.model.mkdir(`${root}/mon_groups/wca-still-here-12345678`);
  const groups = new MonitorGroups(readResctrlInfo(host.paths)!, host.model);
  assert.deepEqual([...groups.leftovers].sort(), ["wca-gone-task-0badf00d", "wca-still-here-12345678"]);
  const report = groups.sync([{ group: "wca-still-here-12345678", ids: [1] }]);
  assert.equal(report.outcomes[0]!.status, "reused");
  assert.deepEqual(report.removed, ["wca-gone-task-0badf00d"]);
  assert.deepEqual(listDirectories(`${root}/mon_groups`), ["other-tool", "wca-still-here-12345678"]);
  assert.deepEqual(groups.leftovers, []);
  assert.deepEqual(groups.close(), ["wca-still-here-12345678"]);
  assert.deepEqual(listDirectories(`${root}/mon_groups`), ["other-tool"]);
});

Deno.test("running out of RMIDs fails that task only, with the reason; it is retried and succeeds when one frees", async () => {
  await using host = await resctrlHost("intel_1s_mba_mbps");
  const root = host.paths.resctrl;
  // The root, other-tool and the leftover wca-gone-task hold 3; the leftover's goes first: 2 for us.
  await Deno.writeTextFile(`${root}/info/L3_MON/num_rmids`, "4\n");
  const groups = new MonitorGroups(readResctrlInfo(host.paths)!, host.model);
  const report = groups.sync([
    { group: "wca-a", ids: [1] },
    { group: "wca-b", ids: [2] },
    { group: "wca-c", ids: [3] },
  ]);
  const statuses = report.outcomes.map((o) => o.status);
  assert.deepEqual(
    statuses,
    ["created", "created", "failed"],
    "the leftover wca- group was only removed after the pass",
  );
  const failed = report.outcomes[2]!;
  assert.ok(failed.status === "failed" && failed.error instanceof ResctrlLimitError);
  assert.match(failed.error.message, /no free RMID/);
  const retry = groups.sync([{ group: "wca-a", ids: [1] }, { group: "wca-c", ids: [3] }]);
  assert.deepEqual(retry.outcomes.map((o) => o.status), ["kept", "created"], "b's RMID went to c");
});

Deno.test("read: the group's counters over every domain; close removes every group it holds", async () => {
  await using host = await resctrlHost("intel_2s_cdp");
  const groups = new MonitorGroups(readResctrlInfo(host.paths)!, host.model);
  groups.sync([{ group: "wca-a", ids: [1] }]);
  const dir = groups.dir("wca-a");
  host.model.setCounter(dir, "mon_L3_00", "llc_occupancy", 1000);
  host.model.setCounter(dir, "mon_L3_01", "llc_occupancy", 24);
  host.model.setCounter(dir, "mon_L3_00", "mbm_total_bytes", 500);
  host.model.setCounter(dir, "mon_L3_01", "mbm_local_bytes", 100);
  assert.deepEqual(groups.read("wca-a")?.totals, {
    llc_occupancy: 1024,
    mbm_total_bytes: 500,
    mbm_local_bytes: 100,
  });
  assert.equal(groups.read("wca-unknown"), undefined);
  assert.deepEqual(groups.close(), ["wca-a"]);
  assert.deepEqual(listDirectories(`${host.paths.resctrl}/mon_groups`), []);
  assert.deepEqual(groups.close(), [], "closing twice removes nothing more");
});

Deno.test("events follow mon_features; a host without monitoring is refused", async () => {
  await using host = await resctrlHost("amd_epyc_2s");
  await Deno.writeTextFile(`${host.paths.resctrl}/info/L3_MON/mon_features`, "llc_occupancy\n");
  assert.deepEqual(new MonitorGroups(readResctrlInfo(host.paths)!, host.model).events, ["llc_occupancy"]);
  await Deno.remove(`${host.paths.resctrl}/info/L3_MON`, { recursive: true });
  assert.throws(
    () => new MonitorGroups(readResctrlInfo(host.paths)!, host.model),
    /has no monitoring \(no info\/L3_MON\)/,
  );
});
