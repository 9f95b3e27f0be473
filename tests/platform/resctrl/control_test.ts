/** ResctrlControl: control groups, moving tasks, validated schemata writes, root defaults, removing all. */
import assert from "node:assert/strict";
import { fullSchemata, ResctrlControl, ROOT_GROUP } from "../../../src/platform/resctrl/control.ts";
import { listDirectories, ResctrlLimitError } from "../../../src/platform/resctrl/groups.ts";
import { readResctrlInfo } from "../../../src/platform/resctrl/info.ts";
import { SchemataError } from "../../../src/platform/resctrl/schemata.ts";
import { resctrlHost, type ResctrlScenario } from "../../helpers/resctrl_model.ts";

async function controlOn(scenario: ResctrlScenario) {
  const host = await resctrlHost(scenario);
  const control = new ResctrlControl(readResctrlInfo(host.paths)!, { directories: host.model });
  return { host, control, root: host.paths.resctrl };
}

Deno.test("createControlGroup: made with the kernel's files, found again by name; bad names refused", async () => {
  const { host, control, root } = await controlOn("intel_2s_cdp");
  await using _ = host;
  assert.equal(control.createControlGroup("be"), `${root}/be`);
  assert.equal(await Deno.readTextFile(`${root}/be/schemata`), await Deno.readTextFile(`${root}/schemata`));
  assert.equal(control.createControlGroup("be"), `${root}/be`, "an existing group is reused");
  assert.deepEqual(control.controlGroups(), ["be"]);
  assert.equal(control.createControlGroup(ROOT_GROUP), root);
  assert.throws(() => control.createControlGroup("../etc"), /invalid resctrl group name "..\/etc"/);
  assert.throws(() => control.createControlGroup("info"), /invalid resctrl group name "info"/);
});

Deno.test("createControlGroup: the CLOSID limit is checked before the kernel is asked, and explained", async () => {
  const { host, control } = await controlOn("intel_2s_cdp"); // 8 CLOSIDs with CDP
  await using _ = host;
  for (let i = 0; i < 7; i++) control.createControlGroup(`g${i}`);
  assert.throws(
    () => control.createControlGroup("g7"),
    (error: unknown) =>
      error instanceof ResctrlLimitError && error.exhausted === "CLOSID" &&
      error.message.startsWith(
        "cannot create control group g7: all 8 CLOSIDs are in use (the root group and 7 others",
      ) &&
      error.message.includes("remove_all_resctrl_groups"),
  );
});

Deno.test("createControlGroup: a host that can only monitor says so", async () => {
  const { host, root } = await controlOn("amd_epyc_2s");
  await using _ = host;
  await Deno.remove(`${root}/info/L3`, { recursive: true });
  await Deno.remove(`${root}/info/MB`, { recursive: true });
  const control = new ResctrlControl(readResctrlInfo(host.paths)!, { directories: host.model });
  assert.throws(
    () => control.createControlGroup("x"),
    /has no control resources .*can monitor but not allocate/,
  );
});

Deno.test("moveTasks: threads go to the named group and leave the one they were in", async () => {
  const { host, control, root } = await controlOn("amd_epyc_2s");
  await using _ = host;
  control.createControlGroup("a");
  control.createControlGroup("b");
  assert.deepEqual(control.moveTasks("a", [1, 2]).written, [1, 2]);
  host.model.settle();
  control.moveTasks("b", [2]);
  host.model.settle();
  const ids = async (dir: string) => (await Deno.readTextFile(`${dir}/tasks`)).split("\n").filter(Boolean);
  assert.deepEqual(await ids(`${root}/a`), ["1"]);
  assert.deepEqual(await ids(`${root}/b`), ["2"]);
  assert.deepEqual(await ids(root), [], "both left the root group");
  control.removeControlGroup("b");
  assert.deepEqual(await ids(root), ["2"], "removing a group returns its tasks to the root");
  assert.throws(() => control.removeControlGroup(ROOT_GROUP), /root resctrl group cannot be removed/);
});

Deno.test("writeSchemata: validated, rounded and written in one write; invalid requests write nothing", async () => {
  const { host, control, root } = await controlOn("intel_2s_cdp");
  await using _ = host;
  control.createControlGroup("be");
  const before = await Deno.readTextFile(`${root}/be/schemata`);
  assert.throws(() => control.writeSchemata("be", { l3: "L3:0=f0f", mb: "MB:0=50" }), SchemataError);
  assert.equal(await Deno.readTextFile(`${root}/be/schemata`), before, "nothing was written");
  const written = control.writeSchemata("be", { l3: "L3:0=7f0;1=7f0", mb: "MB:0=15;1=100" });
  assert.deepEqual(written.lines, ["L3CODE:0=7f0;1=7f0", "L3DATA:0=7f0;1=7f0", "MB:0=20;1=100"]);
  assert.equal(
    await Deno.readTextFile(`${root}/be/schemata`),
    "L3CODE:0=7f0;1=7f0\nL3DATA:0=7f0;1=7f0\nMB:0=20;1=100\n",
    "the rounded value is what reaches the kernel",
  );
  assert.deepEqual([...control.readSchemata("be").get("MB")!], [[0, "20"], [1, "100"]]);
});

Deno.test("setRootDefaults: given values, and everything for the parts not given", async () => {
  const { host, control, root } = await controlOn("intel_1s_mba_mbps");
  await using _ = host;
  control.setRootDefaults({ l3: "L3:0=ff0" });
  assert.equal(await Deno.readTextFile(`${root}/schemata`), "L3:0=ff0\nMB:0=4294967295\n");
  control.setRootDefaults({ mb: "MB:0=2000" });
  assert.equal(await Deno.readTextFile(`${root}/schemata`), "L3:0=fff\nMB:0=2000\n");
});

Deno.test("fullSchemata: all of the cache and bandwidth per host; AMD's MB maximum is not known", async () => {
  for (
    const [scenario, expected] of [
      ["intel_2s_cdp", { l3: "L3:0=7ff;1=7ff", mb: "MB:0=100;1=100" }],
      ["intel_1s_mba_mbps", { l3: "L3:0=fff", mb: "MB:0=4294967295" }],
      ["amd_epyc_2s", { l3: "L3:0=ffff;1=ffff;2=ffff;3=ffff" }],
    ] as const
  ) {
    const { host, control } = await controlOn(scenario);
    await using _ = host;
    assert.deepEqual(fullSchemata(control.info), expected, scenario);
  }
});

Deno.test("removeAllGroups: every control group and root monitoring group goes, whoever made it", async () => {
  const { host, control, root } = await controlOn("intel_1s_mba_mbps");
  await using _ = host;
  control.createControlGroup("a");
  host.model.mkdir(`${root}/a/mon_groups/m`);
  const removed = control.removeAllGroups();
  assert.deepEqual(removed, [
    `${root}/mon_groups/other-tool`,
    `${root}/mon_groups/wca-gone-task-0badf00d`,
    `${root}/a`,
  ]);
  assert.deepEqual(listDirectories(root), ["info", "mon_data", "mon_groups"]);
  assert.deepEqual(listDirectories(`${root}/mon_groups`), []);
});
