/**
 * Perf fds across task churn and shutdown on real cgroups, counting /proc/self/fd: run alone by
 * perf_test.ts through runIsolated.
 */
import assert from "node:assert/strict";
import { MeasurementRunner } from "../../src/runners/measurement/mod.ts";
import { defaultHostPaths } from "../../src/platform/host_paths.ts";
import { openFdCount } from "../helpers/fds.ts";
import { MemoryStorage, select } from "../helpers/memory_storage.ts";
import { withV1PerfEvent } from "../helpers/perf_cgroup.ts";
import { taskAt, withRealCgroups } from "../helpers/real_cgroups.ts";
import { MEASUREMENT_SOURCES } from "../../src/builtins.ts";

const HOST_PATHS = defaultHostPaths();
const LABELS = { host: "perf" };
const CONTROLLERS = ["cpu", "cpuacct", "memory", "perf_event"];

Deno.test("perf fds: one per event per CPU per task, closed when tasks go and at shutdown", async () => {
  await withV1PerfEvent(() =>
    withRealCgroups(CONTROLLERS, 4, async (groups) => {
      // Busy before the fd baseline (the child costs the test process fds); withRealCgroups kills it.
      groups.spawnIn(groups.paths[0]!, ["sh", "-c", "while :; do :; done"]);
      const before = openFdCount();
      const node = { tasks: [...groups.paths] };
      const staticNode = {
        getTasks: () => node.tasks.map(taskAt),
      };
      const runner = new MeasurementRunner(
        MeasurementRunner.schema.parse({
          node: staticNode,
          metrics_storage: new MemoryStorage(),
          event_names: ["task_task_clock_seconds", "task_context_switches"],
          perf_aggregate_cpus: false,
        }),
        { hostPaths: HOST_PATHS },
        MEASUREMENT_SOURCES,
      );
      const facts = await runner.start();
      const cpus = facts.topology.cpus;
      const libcFds = openFdCount() - before; // dlopen holds none, but measure rather than assume
      // The runner also keeps files open (tests/sources/kept_open_files_fds_isolated.ts counts them):
      // /proc/stat, meminfo, vmstat, zoneinfo, each node's meminfo and vmstat, and per task
      // cpuacct.usage and six memory files (no cgroup2 directory here, so no pressure files).
      const files = (tasks: number) => 4 + 2 * facts.platform.numaNodes.length + tasks * (1 + 6);
      const perfFds = () => openFdCount() - before - libcFds;
      let batch = await runner.iterate(facts, LABELS);
      assert.equal(perfFds() - files(4), 4 * cpus * 2, "one fd per event per CPU per task");
      await new Promise((resolve) => setTimeout(resolve, 200));
      batch = await runner.iterate(facts, LABELS);
      // A CPU the task never ran on has no series (nothing was measured there); the busy one has some.
      const perCpu = select(batch, "task_context_switches", { task_id: groups.paths[0]! });
      assert.ok(perCpu.length >= 1, "a series for each CPU the busy task ran on");
      for (const m of perCpu) {
        assert.ok(facts.topology.onlineCpus.includes(Number(m.labels.cpu)), m.labels.cpu);
      }
      for (let round = 0; round < 5; round++) {
        node.tasks = round % 2 ? [...groups.paths] : groups.paths.slice(0, 1);
        batch = await runner.iterate(facts, LABELS);
        assert.equal(perfFds() - files(node.tasks.length), node.tasks.length * cpus * 2, `round ${round}`);
      }
      groups.remove(groups.paths[3]!);
      node.tasks = [...groups.paths];
      batch = await runner.iterate(facts, LABELS);
      assert.equal(
        select(batch, "task_up", { task_id: groups.paths[3]! }).length,
        0,
        "a removed cgroup has no task data",
      );
      await runner.close();
      assert.equal(openFdCount(), before, "every perf fd and kept-open file closed at shutdown");
    })
  );
});
