/** The sched source through MeasurementRunner with the built-in sources, on real processes in a real cgroup. */
import assert from "node:assert/strict";
import { MEASUREMENT_SOURCES } from "../../src/builtins.ts";
import type { Metric } from "../../src/metrics/metric.ts";
import { StaticNode } from "../../src/nodes/static_node.ts";
import { defaultHostPaths } from "../../src/platform/host_paths.ts";
import { readProcSched } from "../../src/platform/procfs/mod.ts";
import { MeasurementRunner } from "../../src/runners/measurement/runner.ts";
import { withRealCgroups } from "../helpers/real_cgroups.ts";
import { cgroupPids, waitFor } from "../helpers/stress.ts";

async function measureWith(cgroupPath: string, extra: Record<string, unknown>): Promise<Metric[]> {
  const context = { hostPaths: defaultHostPaths() };
  const node = new StaticNode(StaticNode.schema.parse({ tasks: [cgroupPath] }), context);
  const params = MeasurementRunner.schema.parse({
    node,
    metrics_storage: { store() {} },
    event_names: [],
    ...extra,
  });
  const runner = new MeasurementRunner(params, context, MEASUREMENT_SOURCES);
  try {
    const facts = await runner.start();
    return await runner.iterate(facts, { host: "h" });
  } finally {
    await runner.close();
  }
}

Deno.test("sched: task_sched_stat sums each key over the task's processes; numa_faults as the kernel prints them", async () => {
  await withRealCgroups(["cpuacct", "cpu", "memory"], 1, async (groups) => {
    const path = groups.paths[0]!;
    // Two sleeping processes: their statistics do not move while the test reads them.
    const sleepers = [groups.spawnIn(path), groups.spawnIn(path)];
    try {
      for (const child of sleepers) {
        await waitFor(`process ${child.pid} to sleep in sleep(1)`, 5000, () => {
          const stat = Deno.readTextFileSync(`/proc/${child.pid}/stat`);
          return /^\d+ \(sleep\) S /.test(stat) ? true : undefined;
        });
      }
      const metrics = await measureWith(path, { sched: true });
      const pids = [...cgroupPids(groups.dirs(path)[0]!)];
      assert.equal(pids.length, 2);
      const own = pids.map((pid) => readProcSched(defaultHostPaths(), pid)!);
      const stat = (key: string) =>
        metrics.find((m) => m.name === "task_sched_stat" && m.labels.key === key)?.value;
      assert.equal(
        stat("nr_switches"),
        own[0]!.values.get("nr_switches")! + own[1]!.values.get("nr_switches")!,
      );
      assert.equal(stat("policy"), 0);
      assert.equal(metrics.filter((m) => m.name === "task_sched_stat").length, own[0]!.values.size);
      const faults = metrics.filter((m) => m.name === "task_sched_stat_numa_faults");
      const faultLines = own[0]!.numaFaults.reduce((n, f) => n + f.faults.size, 0);
      assert.equal(faults.length, faultLines, "one series per node and fault type this kernel prints");
      for (const fault of faults) assert.ok(/^\d+$/.test(fault.labels.numa_node!) && fault.labels.fault_type);

      const only = await measureWith(path, { sched: "nr_(in)?voluntary" });
      const keys = only.filter((m) => m.name === "task_sched_stat").map((m) => m.labels.key).sort();
      assert.deepEqual(keys, ["nr_involuntary_switches", "nr_voluntary_switches"]);

      const off = await measureWith(path, {});
      assert.ok(!off.some((m) => m.name.startsWith("task_sched_stat")), "off by default");
    } finally {
      for (const child of sleepers) await groups.kill(child);
    }
  });
});

Deno.test("wss through the runner: wss_reset_cycles turns it on for real tasks", async () => {
  await withRealCgroups(["cpuacct", "cpu", "memory"], 1, async (groups) => {
    const path = groups.paths[0]!;
    const sleeper = groups.spawnIn(path);
    try {
      const metrics = await measureWith(path, { wss_reset_cycles: 1 });
      const referenced = metrics.find((m) => m.name === "task_wss_referenced_bytes");
      assert.ok(referenced !== undefined && referenced.value > 0);
      assert.equal(referenced.labels.task_id, path);
      assert.ok(!(await measureWith(path, {})).some((m) => m.name.startsWith("task_wss")), "off by default");
    } finally {
      await groups.kill(sleeper);
    }
  });
});
