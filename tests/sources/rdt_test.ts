/** The RDT source in MeasurementRunner, on modelled resctrl hosts: modes, groups per task, metrics, cleanup. */
import assert from "node:assert/strict";
import type { Storage, Task } from "../../src/components/interfaces.ts";
import { processHub } from "../../src/logging/mod.ts";
import type { Metric } from "../../src/metrics/metric.ts";
import { readCgroupLayout } from "../../src/platform/cgroup/mod.ts";
import { type HostPaths, hostPathsUnder } from "../../src/platform/host_paths.ts";
import { groupNameFor, listDirectories } from "../../src/platform/resctrl/groups.ts";
import { rdtSourceFactory } from "../../src/sources/rdt.ts";
import { MeasurementRunner } from "../../src/runners/measurement/runner.ts";
import { StartupError } from "../../src/sources/contract.ts";
import { fixtureRoot } from "../platform/_helpers.ts";
import { resctrlHost } from "../helpers/resctrl_model.ts";

class Discard implements Storage {
  store() {}
}

function task(path: string): Task {
  return { name: path, task_id: path, cgroup_path: path, subcgroups_paths: [], labels: {}, resources: {} };
}

/** A runner on `paths` whose node returns `tasks.current`, with the RDT source built by `factory`. */
function runnerFor(
  paths: HostPaths,
  tasks: { current: Task[] },
  factory = rdtSourceFactory(),
  rdt_enabled?: boolean,
) {
  const node = { getTasks: () => tasks.current };
  const params = MeasurementRunner.schema.parse({
    node,
    metrics_storage: new Discard(),
    ...(rdt_enabled === undefined ? {} : { rdt_enabled }),
  });
  return new MeasurementRunner(params, { hostPaths: paths }, [factory]);
}

const pick = (metrics: readonly Metric[], name: string, taskId: string) =>
  metrics.filter((m) => m.name === name && m.labels.task_id === taskId);

function warnings(module: string): number {
  return processHub().counts().find((c) => c.module === module)?.warnings ?? 0;
}

Deno.test("rdt_enabled: true without resctrl refuses to start, saying how to enable it; unset or false runs without RDT", async () => {
  const paths = hostPathsUnder(fixtureRoot("v1_split"));
  const factory = rdtSourceFactory();
  const params = (rdt_enabled?: boolean) =>
    MeasurementRunner.schema.parse({
      node: { getTasks: () => [] },
      ...(rdt_enabled === undefined ? {} : { rdt_enabled }),
    });
  const facts = { layout: readCgroupLayout(paths) } as never;
  await assert.rejects(
    async () => await factory(params(true), { hostPaths: paths }, facts),
    (error: unknown) =>
      error instanceof StartupError &&
      error.message.startsWith(
        `rdt_enabled is true but resctrl is not mounted at ${paths.resctrl}: mount it with`,
      ) &&
      error.message.includes("CONFIG_X86_CPU_RESCTRL") && error.message.endsWith("or set rdt_enabled: false"),
  );
  assert.equal(await factory(params(), { hostPaths: paths }, facts), undefined);
  assert.equal(await factory(params(false), { hostPaths: paths }, facts), undefined);
});

Deno.test("rdt_enabled: true on a resctrl mount without monitoring refuses; false ignores a working mount", async () => {
  await using host = await resctrlHost("amd_epyc_2s");
  const tasks = { current: [] as Task[] };
  const off = runnerFor(host.paths, tasks, rdtSourceFactory({ directories: host.model }), false);
  const metrics = await off.iterate(await off.start(), { host: "h" });
  assert.ok(
    !metrics.some((m) => m.name === "wca_duration_seconds" && m.labels.function === "rdt"),
    "no rdt source",
  );
  await off.close();
  await Deno.remove(`${host.paths.resctrl}/info/L3_MON`, { recursive: true });
  const runner = runnerFor(host.paths, tasks, rdtSourceFactory({ directories: host.model }), true);
  await assert.rejects(
    () => runner.start(),
    /rdt_enabled is true but resctrl at .* has no monitoring \(no info\/L3_MON\)/,
  );
  await runner.close();
});

Deno.test("a group per task with its threads; metrics summed over domains; remote = total - local; groups removed on close", async () => {
  await using host = await resctrlHost("intel_2s_cdp");
  const tasks = { current: [task("/task1"), task("/docker/3f1c9a7e5b2d")] };
  const runner = runnerFor(host.paths, tasks, rdtSourceFactory({ directories: host.model }));
  const facts = await runner.start();
  const first = await runner.iterate(facts, { host: "h" });
  const dir = `${host.paths.resctrl}/mon_groups/${groupNameFor("/task1")}`;
  const threads = await Deno.readTextFile(`${host.paths.cgroup}/cpu,cpuacct/task1/tasks`);
  assert.equal(await Deno.readTextFile(`${dir}/tasks`), threads, "every thread of the task, one per line");
  assert.deepEqual(pick(first, "task_llc_occupancy_bytes", "/task1").map((m) => m.value), [0]);

  host.model.setCounter(dir, "mon_L3_00", "llc_occupancy", 3_000_000);
  host.model.setCounter(dir, "mon_L3_01", "llc_occupancy", 1_000_000);
  host.model.setCounter(dir, "mon_L3_00", "mbm_total_bytes", 900);
  host.model.setCounter(dir, "mon_L3_01", "mbm_total_bytes", 100);
  host.model.setCounter(dir, "mon_L3_00", "mbm_local_bytes", 700);
  const metrics = await runner.iterate(facts, { host: "h" });
  const one = (name: string) => {
    const found = pick(metrics, name, "/task1");
    assert.equal(found.length, 1, name);
    return found[0]!;
  };
  assert.equal(one("task_llc_occupancy_bytes").value, 4_000_000);
  assert.equal(one("task_mem_bandwidth_bytes").value, 1000);
  assert.equal(one("task_mem_bandwidth_local_bytes").value, 700);
  assert.equal(one("task_mem_bandwidth_remote_bytes").value, 300);
  assert.equal(one("task_mem_bandwidth_bytes").labels, one("task_up").labels, "the task's labels are shared");
  assert.equal(pick(metrics, "task_mem_bandwidth_bytes", "/docker/3f1c9a7e5b2d").length, 1);
  assert.ok(metrics.some((m) => m.name === "wca_duration_seconds" && m.labels.function === "rdt"));
  assert.equal(listDirectories(`${host.paths.resctrl}/mon_groups`).length, 2);
  await runner.close();
  assert.deepEqual(listDirectories(`${host.paths.resctrl}/mon_groups`), [], "no group outlives the agent");
});

Deno.test("new threads join every iteration; a domain that is Unavailable drops that metric only; a task that goes loses its group", async () => {
  await using host = await resctrlHost("amd_epyc_2s");
  const tasks = { current: [task("/task1")] };
  const runner = runnerFor(host.paths, tasks, rdtSourceFactory({ directories: host.model }));
  const facts = await runner.start();
  await runner.iterate(facts, { host: "h" });
  const dir = `${host.paths.resctrl}/mon_groups/${groupNameFor("/task1")}`;
  await Deno.writeTextFile(`${host.paths.cgroup}/task1/cgroup.threads`, "424242\n", { append: true });
  host.model.setCounter(dir, "mon_L3_02", "mbm_total_bytes", "Unavailable");
  const metrics = await runner.iterate(facts, { host: "h" });
  assert.ok((await Deno.readTextFile(`${dir}/tasks`)).endsWith("424242\n"), "the new thread was added");
  const ids = (await Deno.readTextFile(`${dir}/tasks`)).split("\n").filter(Boolean);
  assert.equal(new Set(ids).size, ids.length, "no thread written twice");
  assert.equal(pick(metrics, "task_mem_bandwidth_bytes", "/task1").length, 0);
  assert.equal(pick(metrics, "task_mem_bandwidth_remote_bytes", "/task1").length, 0);
  assert.equal(pick(metrics, "task_mem_bandwidth_local_bytes", "/task1").length, 1);
  assert.equal(pick(metrics, "task_llc_occupancy_bytes", "/task1").length, 1);

  tasks.current = [];
  await runner.iterate(facts, { host: "h" });
  assert.deepEqual(listDirectories(`${host.paths.resctrl}/mon_groups`), []);
  await runner.close();
});

Deno.test("out of RMIDs: the task is skipped with one warning per task, the others are measured, nothing crashes", async () => {
  await using host = await resctrlHost("intel_1s_mba_mbps");
  // The root and another tool's group hold 2 of 3 RMIDs (wca's leftover is removed first): one for us.
  await Deno.writeTextFile(`${host.paths.resctrl}/info/L3_MON/num_rmids`, "3\n");
  await Deno.mkdir(`${host.paths.cgroup}/unified/task2`);
  await Deno.writeTextFile(`${host.paths.cgroup}/unified/task2/cgroup.threads`, "5200\n");
  const tasks = { current: [task("/task1"), task("/task2")] };
  const runner = runnerFor(host.paths, tasks, rdtSourceFactory({ directories: host.model }));
  const facts = await runner.start();
  const before = warnings("wca.rdt");
  for (let i = 0; i < 3; i++) {
    const metrics = await runner.iterate(facts, { host: "h" });
    assert.equal(pick(metrics, "task_llc_occupancy_bytes", "/task1").length, 1);
    assert.equal(pick(metrics, "task_llc_occupancy_bytes", "/task2").length, 0);
    assert.equal(pick(metrics, "task_up", "/task2").length, 1, "task2's other metrics are there");
  }
  assert.equal(warnings("wca.rdt") - before, 1, "reported once, not every iteration");
  assert.deepEqual(listDirectories(`${host.paths.resctrl}/mon_groups`), [
    "other-tool",
    groupNameFor("/task1"),
  ]);
  await runner.close();
  assert.deepEqual(listDirectories(`${host.paths.resctrl}/mon_groups`), ["other-tool"]);
});

Deno.test("a task whose group an earlier run left is measured in that group, found by name", async () => {
  await using host = await resctrlHost("amd_epyc_2s");
  const name = groupNameFor("/task1");
  host.model.mkdir(`${host.paths.resctrl}/mon_groups/${name}`);
  host.model.setCounter(`${host.paths.resctrl}/mon_groups/${name}`, "mon_L3_00", "mbm_total_bytes", 12345);
  const runner = runnerFor(
    host.paths,
    { current: [task("/task1")] },
    rdtSourceFactory({ directories: host.model }),
  );
  const metrics = await runner.iterate(await runner.start(), { host: "h" });
  assert.deepEqual(pick(metrics, "task_mem_bandwidth_bytes", "/task1").map((m) => m.value), [12345]);
  await runner.close();
});
