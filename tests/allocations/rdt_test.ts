/**
 * RDT allocations through allocate(), against the resctrl kernel model on a fixture host: the task moves
 * into its control group with its monitoring group, MB is written rounded as validated, the read-back
 * equals the request (so the next iteration writes nothing), and a dry run creates no group.
 */
import assert from "node:assert/strict";
import { allocationMetrics } from "../../src/allocations/metrics.ts";
import { allocate } from "../../src/allocations/pipeline.ts";
import { readTaskAllocations } from "../../src/allocations/read.ts";
import type { TasksAllocations } from "../../src/components/decisions.ts";
import { readCgroupLayout } from "../../src/platform/cgroup/mounts.ts";
import { groupNameFor, listDirectories } from "../../src/platform/resctrl/groups.ts";
import { readResctrlInfo } from "../../src/platform/resctrl/info.ts";
import { ResctrlTaskGroups } from "../../src/platform/resctrl/task_groups.ts";
import { resctrlHost } from "../helpers/resctrl_model.ts";
import { platform, RDT_ON, task, tasksData } from "./_fixtures.ts";

const CONFIG = { cpu_quota_period: 1000, cpu_shares_unit: 1000 };

async function setup() {
  const host = await resctrlHost("intel_2s_cdp"); // base host v1_comounted: /task1 holds threads 21873…
  const layout = readCgroupLayout(host.paths);
  const owner = new ResctrlTaskGroups(readResctrlInfo(host.paths)!, host.model);
  const t = task("t1", "/task1");
  const iterate = (desired: TasksAllocations, dryRun = false) => {
    const current = readTaskAllocations(layout, t, CONFIG, { cpus: 2, rdt: owner })!;
    const result = allocate({
      platform: platform({ rdt: { ...RDT_ON, numClosids: 8 } }),
      tasksData: tasksData([t], { t1: current }),
      desired,
      layout,
      config: CONFIG,
      rdt: owner,
      dryRun,
    });
    host.model.settle();
    return { current, result };
  };
  return { host, owner, t, layout, iterate };
}

Deno.test("rdt: the task moves into its control group with its monitoring group; MB written rounded; read back", async () => {
  const { host, owner, t, layout, iterate } = await setup();
  await using _ = host;
  const root = host.paths.resctrl;
  const mon = groupNameFor("/task1");
  const THREADS = Deno.readTextFileSync(`${host.paths.cgroup}/cpu,cpuacct/task1/tasks`).split("\n").filter(
    Boolean,
  )
    .map(Number);
  assert.ok(THREADS.length >= 3);
  owner.monitor!.sync([{ group: mon, ids: THREADS }]);
  host.model.settle();

  const first = iterate({ t1: { rdt: { name: "be", l3: "L3:0=f", mb: "MB:0=25" } } });
  assert.equal(first.current.rdt?.name, "", "in the root group before");
  assert.deepEqual(first.result.errors, []);
  assert.deepEqual(first.result.writes.map((w) => [w.allocation, w.target, w.value]), [
    ["rdt", "resctrl control group be", `move the task's threads (and its monitoring group ${mon})`],
    ["rdt", "resctrl control group be schemata", "L3CODE:0=f\nL3DATA:0=f\nMB:0=30"],
  ]);
  assert.deepEqual(listDirectories(`${root}/mon_groups`), [], "not left under the root");
  assert.deepEqual(
    Deno.readTextFileSync(`${root}/be/mon_groups/${mon}/tasks`).split("\n").filter(Boolean).map(Number),
    THREADS,
  );
  // The model keeps a write as written (the kernel would merge the domains not named).
  assert.equal(Deno.readTextFileSync(`${root}/be/schemata`), "L3CODE:0=f\nL3DATA:0=f\nMB:0=30\n");

  const now = readTaskAllocations(layout, t, CONFIG, { cpus: 2, rdt: owner })!;
  assert.equal(now.rdt?.name, "be");
  const metrics = allocationMetrics({ rdt: now.rdt! }, { task_id: "t1" });
  assert.deepEqual(
    metrics.filter((m) => m.labels.domain_id === "0").map((m) => [m.name, m.value, m.labels.group_name]),
    [["allocation_rdt_l3_cache_ways", 4, "be"], ["allocation_rdt_l3_mask", 15, "be"], [
      "allocation_rdt_mb",
      30,
      "be",
    ]],
  );
  const again = iterate({ t1: { rdt: { name: "be", l3: "L3:0=f", mb: "MB:0=25" } } });
  assert.deepEqual(again.result.writes, [], "25 is held as 30: nothing to write the second time");
  const changed = iterate({ t1: { rdt: { name: "be", mb: "MB:0=50" } } });
  assert.deepEqual(
    changed.result.writes.map((w) => w.value),
    ["MB:0=50"],
    "same group: only the changed line",
  );
});

Deno.test("rdt dry run: validated and reported, no group made, nothing moved", async () => {
  const { host, iterate } = await setup();
  await using _ = host;
  const root = host.paths.resctrl;
  const schemata = Deno.readTextFileSync(`${root}/schemata`);
  const dry = iterate({ t1: { rdt: { mb: "MB:0=25" } } }, true);
  assert.deepEqual(dry.result.errors, []);
  assert.equal(dry.result.writes.length, 2);
  assert.match(dry.result.writes[0]!.target, /^resctrl control group wca-task1-[0-9a-f]{8}$/);
  assert.deepEqual(listDirectories(root).filter((n) => n.startsWith("wca-")), []);
  assert.equal(Deno.readTextFileSync(`${root}/schemata`), schemata);
  const invalid = iterate({ t1: { rdt: { l3: "L3:0=fff" } } });
  assert.equal(invalid.result.valid, false);
  assert.match(invalid.result.errors[0]!, /^task t1: rdt .*L3CODE domain 0: mask 0xfff has bits outside/);
});
