/**
 * Kept-open cgroup and platform files counted in /proc/self/fd while tasks appear, vanish, lose their
 * cgroup and come back, and at shutdown: run alone by kept_open_files_test.ts through runIsolated.
 */
import assert from "node:assert/strict";
import { MeasurementRunner } from "../../src/runners/measurement/mod.ts";
import { defaultHostPaths } from "../../src/platform/host_paths.ts";
import { openFdCount } from "../helpers/fds.ts";
import { MemoryStorage, select } from "../helpers/memory_storage.ts";
import { taskAt, withRealCgroups } from "../helpers/real_cgroups.ts";

const LABELS = { host: "fds" };
/** cpuacct.usage; memory usage, max usage, limit, soft limit, numa_stat, stat; cpu, memory, io pressure. */
const FILES_PER_TASK = 1 + 6 + 3;

Deno.test("cgroup and platform fds: held per listed task, released when tasks go and at shutdown", async () => {
  await withRealCgroups(["cpuacct", "cpu", "memory", "unified"], 4, async (groups) => {
    // Children before the baseline: spawning costs the test process fds of its own.
    const children = groups.paths.map((path) => groups.spawnIn(path));
    let before = openFdCount();
    /** Runs `step` and moves the baseline by the fds it costs the test process itself (a child's). */
    const rebased = async <T>(step: () => T | Promise<T>): Promise<T> => {
      const at = openFdCount();
      const result = await step();
      before += openFdCount() - at;
      return result;
    };
    const node = { tasks: [...groups.paths] };
    const runner = new MeasurementRunner(
      MeasurementRunner.schema.parse({
        node: {
          getTasks: () => node.tasks.map(taskAt),
        },
        metrics_storage: new MemoryStorage(),
      }),
      { hostPaths: defaultHostPaths() },
    );
    try {
      const facts = await runner.start();
      // /proc/stat, meminfo, vmstat, zoneinfo and each NUMA node's meminfo and vmstat.
      const platformFiles = 4 + 2 * facts.platform.numaNodes.length;
      const held = () => openFdCount() - before;
      const expect = (tasks: number, what: string) =>
        assert.equal(held(), platformFiles + tasks * FILES_PER_TASK, what);

      let batch = await runner.iterate(facts, LABELS);
      expect(4, "every task's files and the platform's");
      assert.equal(select(batch, "task_up").length, 4);
      for (let round = 0; round < 6; round++) {
        node.tasks = round % 2 ? [...groups.paths] : groups.paths.slice(0, round % 3 + 1);
        batch = await runner.iterate(facts, LABELS);
        expect(node.tasks.length, `round ${round}: ${node.tasks.length} tasks listed`);
      }

      // A listed task whose cgroup goes: gone, its files closed; created again: measured again.
      const last = groups.paths[3]!;
      node.tasks = [...groups.paths];
      await runner.iterate(facts, LABELS);
      await rebased(() => groups.kill(children[3]!));
      groups.remove(last);
      batch = await runner.iterate(facts, LABELS);
      assert.equal(select(batch, "task_up", { task_id: last }).length, 0, "a removed cgroup: no data");
      expect(3, "the removed cgroup's files closed");
      for (const dir of groups.dirs(last)) Deno.mkdirSync(dir);
      children[3] = await rebased(() => groups.spawnIn(last));
      batch = await runner.iterate(facts, LABELS);
      assert.equal(select(batch, "task_up", { task_id: last }).length, 1, "the new cgroup is measured");
      expect(4, "the new cgroup's files opened");
    } finally {
      await runner.close();
    }
    assert.equal(openFdCount(), before, "every kept-open file closed at shutdown");
  });
});
