/**
 * The working-set-size source on real processes whose touched memory the test controls: stress-ng vm
 * workers in real cgroups, one that writes 48 MiB once and then sleeps, one that keeps writing 32 MiB.
 */
import assert from "node:assert/strict";
import type { Metric } from "../../src/metrics/metric.ts";
import { defaultHostPaths } from "../../src/platform/host_paths.ts";
import { readSmapsRollup } from "../../src/platform/procfs/mod.ts";
import { wssSettings, WssSource, wssSourceFactory } from "../../src/sources/wss.ts";
import type { HostFacts } from "../../src/sources/facts.ts";
import { readCgroupLayout } from "../../src/platform/cgroup/mod.ts";
import { captureLogLines } from "../helpers/log_capture.ts";
import { taskProcessIds } from "../../src/sources/task_processes.ts";
import { taskAt, withRealCgroups } from "../helpers/real_cgroups.ts";
import { descendants, spawnStressNg, waitFor, withCpuLoadLock } from "../helpers/stress.ts";

const MiB = 1024 * 1024;
const stateOf = (pid: number) => /^\d+ \(.*\) (\S) /.exec(Deno.readTextFileSync(`/proc/${pid}/stat`))?.[1];
const value = (metrics: readonly Metric[], name: string) => metrics.find((m) => m.name === name)?.value;

Deno.test("wss: referenced bytes of a task's processes, cleared every reset cycle", async () => {
  // The writer keeps a CPU busy for a few seconds: not while another test judges CPU rates.
  await withCpuLoadLock(() =>
    withRealCgroups(["cpuacct"], 2, async (groups) => {
      const [once, keeps] = groups.paths as [string, string];
      const vm = (path: string, bytes: string, mode: string[]) =>
        spawnStressNg(
          groups,
          path,
          "--vm",
          "1",
          "--vm-bytes",
          bytes,
          "--vm-method",
          "write64",
          ...mode,
          "-q",
        );
      const sleeper = vm(once, "48M", ["--vm-hang", "0"]);
      const writer = vm(keeps, "32M", ["--vm-keep"]);
      try {
        // Wait until each worker has touched its memory (its Rss holds the buffer).
        for (const [child, bytes] of [[sleeper, 48 * MiB], [writer, 32 * MiB]] as const) {
          await waitFor(`stress-ng ${child.pid} to touch its buffer`, 10_000, () => {
            const rss = descendants(child.pid).map((pid) =>
              readSmapsRollup(defaultHostPaths(), pid)?.rssBytes ?? 0
            );
            return rss.some((r) => r >= bytes) ? true : undefined;
          });
        }
        // The sleeper has finished writing when all its processes sleep.
        await waitFor("the sleeper's processes to sleep", 10_000, () => {
          const states = taskProcessIds(groups.layout, taskAt(once))!.map((pid) => stateOf(pid));
          return states.length === 3 && states.every((state) => state === "S") ? true : undefined;
        });
        const source = new WssSource(defaultHostPaths(), groups.layout, {
          resetCycles: 1,
          stableCycles: 0,
          membwThreshold: undefined,
        });
        const tasks = [taskAt(once), taskAt(keeps)];
        source.sync(tasks);
        const labels = { task_id: "t" };
        const first = tasks.map((task) => source.taskMetrics(task, labels, []));
        assert.equal(
          taskProcessIds(groups.layout, tasks[0]!)!.length,
          3,
          "stress-ng, its vm worker and its child",
        );
        const referenced = (metrics: Metric[]) => value(metrics, "task_wss_referenced_bytes")!;
        const [sleeper1, writer1] = first.map(referenced) as [number, number];
        assert.ok(sleeper1 >= 48 * MiB, `the sleeper touched 48 MiB (${sleeper1} bytes referenced)`);
        assert.ok(writer1 >= 32 * MiB, `the writer touched 32 MiB (${writer1} bytes referenced)`);
        assert.equal(value(first[0]!, "task_working_set_size_bytes"), undefined);
        // Every iteration was a reset cycle: the bits were cleared after reading.
        // The writer touches its buffer again (how soon depends on how busy the machine is).
        await waitFor("the writer to touch its buffer again", 20_000, () => {
          const referenced = descendants(writer.pid).map((pid) =>
            readSmapsRollup(defaultHostPaths(), pid)?.referencedBytes ?? 0
          );
          return referenced.some((r) => r >= 32 * MiB) ? true : undefined;
        });
        const second = tasks.map((task) => source.taskMetrics(task, labels, []));
        const [sleeper2, writer2] = second.map(referenced) as [number, number];
        assert.ok(sleeper2 < 8 * MiB, `the sleeper touched nothing since (${sleeper2} bytes referenced)`);
        assert.ok(writer2 >= 32 * MiB, `the writer touched its buffer again (${writer2} bytes referenced)`);
        const before = value(first[0]!, "task_wss_measure_overhead_seconds")!;
        const after = value(second[0]!, "task_wss_measure_overhead_seconds")!;
        assert.ok(before > 0 && after > before, "overhead accumulates");
        source.close();
      } finally {
        await groups.kill(sleeper);
        await groups.kill(writer);
      }
    })
  );
});

Deno.test("wss: the parameters turn the source on and set it, WCA 1.x names filling in for 2.x ones", () => {
  assert.equal(wssSettings({ wss_stable_cycles: 0 }), undefined, "off without wss_reset_cycles");
  assert.deepEqual(wssSettings({ wss_reset_cycles: 5, wss_stable_cycles: -3, wss_membw_threshold: 0.05 }), {
    resetCycles: 5,
    stableCycles: -3,
    membwThreshold: 0.05,
  });
  assert.deepEqual(
    wssSettings({
      wss_reset_interval: 0,
      wss_stable_cycles: 0,
      wss_stable_duration: 30,
      wss_threshold_divider: 100,
    }),
    { resetCycles: 0, stableCycles: 30, membwThreshold: 0.01 },
  );
});

Deno.test("wss: settings without wss_reset_cycles are named in a warning; no bandwidth counter is said once", async () => {
  const context = { hostPaths: defaultHostPaths() };
  const facts = { layout: readCgroupLayout(defaultHostPaths()) } as HostFacts;
  const { result, lines } = await captureLogLines(() =>
    Promise.resolve(wssSourceFactory({ wss_stable_cycles: 5, wss_membw_threshold: 0.01 }, context, facts))
  );
  assert.equal(result, undefined);
  assert.ok(
    lines.some((line) =>
      line.endsWith(
        "wss: wss_stable_cycles, wss_membw_threshold set without wss_reset_cycles, which turns the " +
          "measurement on; ignored",
      )
    ),
    lines.join("\n"),
  );
  await withRealCgroups(["cpuacct"], 1, async (groups) => {
    const sleeper = groups.spawnIn(groups.paths[0]!);
    try {
      const source = (await wssSourceFactory(
        { wss_reset_cycles: 0, wss_stable_cycles: 2, wss_membw_threshold: 0.01 },
        context,
        { ...facts, layout: groups.layout },
      ))!;
      const task = taskAt(groups.paths[0]!);
      const warned = await captureLogLines(() => {
        for (let i = 0; i < 3; i++) source.taskMetrics(task, {}, []);
        return Promise.resolve();
      });
      const notes = warned.lines.filter((line) => line.includes("needs task_mem_bandwidth_bytes"));
      assert.equal(notes.length, 1, "one warning, not one per task and iteration");
      source.close();
    } finally {
      await groups.kill(sleeper);
    }
  });
});
