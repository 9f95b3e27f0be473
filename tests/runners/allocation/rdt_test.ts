/**
 * AllocationRunner with RDT on a modelled resctrl host (no RDT hardware here; see tests/fixtures/resctrl):
 * the RDT measurement source and the allocator share one owner of each task's groups, so a task moved to
 * a control group keeps its monitoring group (moved under the new control group), and asking again
 * changes nothing. remove_all_resctrl_groups and the required-control checks run at start.
 */
import assert from "node:assert/strict";
import type { AllocationResult } from "../../../src/components/decisions.ts";
import type { Task } from "../../../src/components/interfaces.ts";
import { listDirectories } from "../../../src/platform/resctrl/groups.ts";
import { AllocationRunner } from "../../../src/runners/allocation/runner.ts";
import { rdtSourceFactory } from "../../../src/sources/rdt.ts";
import { MemoryStorage, select } from "../../helpers/memory_storage.ts";
import { resctrlHost } from "../../helpers/resctrl_model.ts";

const TASK: Task = {
  name: "task1",
  task_id: "task1",
  cgroup_path: "/task1",
  subcgroups_paths: [],
  labels: {},
  resources: {},
};

function runnerOn(host: Awaited<ReturnType<typeof resctrlHost>>, answer: () => AllocationResult, extra = {}) {
  const allocations = new MemoryStorage();
  const params = AllocationRunner.schema.parse({
    node: { getTasks: () => [TASK] },
    metrics_storage: new MemoryStorage(),
    allocations_storage: allocations,
    anomalies_storage: new MemoryStorage(),
    allocator: { allocate: answer },
    ...extra,
  });
  const runner = new AllocationRunner(params, { hostPaths: host.paths }, [
    rdtSourceFactory({ directories: host.model }),
  ]);
  return { runner, allocations };
}

Deno.test("AllocationRunner + RDT source: a task moved to a control group keeps its monitoring group under it", async () => {
  await using host = await resctrlHost("intel_2s_cdp");
  const root = host.paths.resctrl;
  const { runner, allocations } = runnerOn(host, () => ({
    allocations: new Map([["task1", { rdt: { name: "be", l3: "L3:0=f;1=f" } }]]),
  }), { rdt_cache_control_required: true });
  const facts = await runner.start();
  try {
    const labels = { host: "h" };
    await runner.iterate(facts, labels);
    assert.ok(listDirectories(root).includes("be"), "the control group was made");
    const threads = Deno.readTextFileSync(`${host.paths.cgroup}/cpu,cpuacct/task1/tasks`).trim().split("\n");
    assert.deepEqual(
      Deno.readTextFileSync(`${root}/be/tasks`).trim().split("\n").sort(),
      [...threads].sort(),
    );
    const monGroups = listDirectories(`${root}/be/mon_groups`);
    assert.equal(monGroups.length, 1, "the task's monitoring group moved under its control group");
    assert.deepEqual(listDirectories(`${root}/mon_groups`), [], "and is no longer under the root group");
    assert.match(
      Deno.readTextFileSync(`${root}/be/schemata`),
      /L3CODE:0=0*f;1=0*f/i,
      "CDP: L3 as code and data",
    );
    const batch = allocations.batches.at(-1)!;
    assert.equal(select(batch, "allocations_count")[0]?.value, 1);
    assert.ok(select(batch, "allocation_rdt_l3_mask", { task_id: "task1" }).length >= 1);

    await runner.iterate(facts, labels);
    assert.equal(select(allocations.batches.at(-1)!, "allocations_count")[0]?.value, 1, "nothing rewritten");
    assert.deepEqual(listDirectories(`${root}/be/mon_groups`), monGroups, "the same monitoring group");
  } finally {
    await runner.close();
  }
  assert.deepEqual(listDirectories(`${root}/be/mon_groups`), [], "the monitoring group goes at shutdown");
  assert.ok(listDirectories(root).includes("be"), "the control group stays: allocations persist");
});

Deno.test("remove_all_resctrl_groups clears control groups at start; required memory bandwidth control is checked", async () => {
  await using host = await resctrlHost("intel_2s_cdp");
  const root = host.paths.resctrl;
  host.model.mkdir(`${root}/leftover`);
  const { runner } = runnerOn(host, () => ({ allocations: new Map() }), { remove_all_resctrl_groups: true });
  await runner.start();
  assert.ok(!listDirectories(root).includes("leftover"), "removed at start");
  await runner.close();

  // The same host without memory bandwidth allocation (its info/MB removed from the model's copy).
  await using noMb = await resctrlHost("intel_2s_cdp");
  Deno.removeSync(`${noMb.paths.resctrl}/info/MB`, { recursive: true });
  const { runner: required } = runnerOn(noMb, () => ({ allocations: new Map() }), {
    rdt_mb_control_required: true,
  });
  await assert.rejects(
    () => required.start(),
    /rdt_mb_control_required is true but resctrl at .* has no memory bandwidth allocation/,
  );
  await required.close();
});
