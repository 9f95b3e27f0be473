/**
 * Per-task perf counters on the real kernel: stress-ng --cpu 1 in a task cgroup, counted through
 * MeasurementRunner with software events, on cgroup2 (where this machine keeps perf_event) and on a v1
 * perf_event hierarchy mounted by the test. This machine has no hardware PMU, so task_instructions
 * takes the "unsupported" path; hardware counts are only checked where a PMU exists.
 */
import assert from "node:assert/strict";
import { processHub } from "../../src/logging/mod.ts";
import type { Metric } from "../../src/metrics/metric.ts";
import { StaticNode } from "../../src/nodes/static_node.ts";
import { readCgroupLayout } from "../../src/platform/cgroup/mod.ts";
import { defaultHostPaths } from "../../src/platform/host_paths.ts";
import { MeasurementRunner } from "../../src/runners/measurement/mod.ts";
import { runIsolated } from "../helpers/isolated.ts";
import { MemoryStorage, select } from "../helpers/memory_storage.ts";
import { withV1PerfEvent } from "../helpers/perf_cgroup.ts";
import { withRealCgroups } from "../helpers/real_cgroups.ts";
import { assertWorkersInherit, delay, spawnStressNg } from "../helpers/stress.ts";

const HOST_PATHS = defaultHostPaths();
const LABELS = { host: "perf" };
const CONTROLLERS = ["cpu", "cpuacct", "memory", "perf_event"];
const EVENTS = [
  "task_task_clock_seconds",
  "task_context_switches",
  "task_cpu_migrations",
  "task_instructions",
];

function runnerFor(paths: readonly string[], extra: Record<string, unknown> = {}) {
  const node = new StaticNode(StaticNode.schema.parse({ tasks: paths.map((p) => p.slice(1)) }), {
    hostPaths: HOST_PATHS,
  });
  const storage = new MemoryStorage();
  const runner = new MeasurementRunner(
    MeasurementRunner.schema.parse({ node, metrics_storage: storage, event_names: EVENTS, ...extra }),
    { hostPaths: HOST_PATHS },
  );
  return runner;
}

function value(batch: readonly Metric[], name: string, taskId: string): number | undefined {
  const found = select(batch, name, { task_id: taskId });
  assert.ok(found.length <= 1, `${found.length} series of ${name} for ${taskId}`);
  return found[0]?.value;
}

function perfWarnings(): number {
  return processHub().counts().find((c) => c.module === "wca.perf")?.warnings ?? 0;
}

/** One CPU-bound stress-ng worker counted for about 1.5 s; returns task clock per wall second. */
async function measureStress(controllers: string[], expectHierarchy: "v1" | "v2") {
  const layout = readCgroupLayout(HOST_PATHS);
  assert.equal(layout.v1.has("perf_event"), expectHierarchy === "v1", `perf_event on ${expectHierarchy}`);
  return await withRealCgroups(controllers, 1, async (groups) => {
    const path = groups.paths[0]!;
    const id = path.slice(1);
    const stress = spawnStressNg(groups, path, "--cpu", "1", "--cpu-method", "int64");
    await assertWorkersInherit(groups, path, stress.pid, 1);
    const warningsBefore = perfWarnings();
    const runner = runnerFor([path], { enable_derived_metrics: true });
    const facts = await runner.start();
    try {
      const first = await runner.iterate(facts, LABELS);
      const t0 = performance.now();
      await delay(1500);
      const second = await runner.iterate(facts, LABELS);
      const seconds = (performance.now() - t0) / 1000;
      const clock0 = value(first, "task_task_clock_seconds", id)!;
      const clock1 = value(second, "task_task_clock_seconds", id)!;
      assert.ok(clock0 !== undefined && clock1 !== undefined, "task_task_clock_seconds is reported");
      const rate = (clock1 - clock0) / seconds;
      // The cgroup's own CPU accounting over the same two iterations: the same CPU time, counted by the
      // scheduler instead of perf. Other tests share the two CPUs, so the absolute rate varies.
      const usage0 = value(first, "task_cpu_usage_seconds", id)!;
      const usage1 = value(second, "task_cpu_usage_seconds", id)!;
      const usageRate = (usage1 - usage0) / seconds;
      const switches = value(second, "task_context_switches", id)!;
      console.log(
        `${expectHierarchy}: task clock ${rate.toFixed(3)} CPU-s/s, cpuacct ${
          usageRate.toFixed(3)
        } CPU-s/s, ` +
          `${switches} context switches`,
      );
      assert.ok(usageRate > 0.3, `stress-ng ran (cpuacct ${usageRate} CPU-s/s)`);
      assert.ok(rate <= 1.1, `one worker cannot use more than one CPU: ${rate}`);
      assert.ok(
        Math.abs(rate / usageRate - 1) < 0.1,
        `perf task clock ${rate} agrees with cpuacct ${usageRate}`,
      );
      assert.ok(switches > 0, "a CPU-bound worker is still switched out now and then");
      assert.equal(value(second, "task_instructions", id), undefined, "no hardware PMU here: not reported");
      assert.equal(value(second, "task_scaling_factor_max", id), 1, "software events are never multiplexed");
      assert.equal(value(first, "task_ipc", id), undefined, "derived metrics need two readings");
      assert.equal(value(second, "task_ipc", id), undefined, "no instructions or cycles: no IPC");
      assert.ok(
        perfWarnings() >= warningsBefore + 1 || warningsBefore > 0,
        "task_instructions reported once",
      );
      return rate;
    } finally {
      await runner.close();
    }
  });
}

Deno.test("perf without a perf_event hierarchy: the runner refuses to start and says how to mount one", async () => {
  // On this hybrid host perf_event is not a v1 hierarchy, and the kernel answers ENOENT for cgroup-mode
  // events under the cgroup2 root. A pure cgroup v2 host counts there; none is available to test.
  const layout = readCgroupLayout(HOST_PATHS);
  assert.equal(layout.v1.has("perf_event"), false, "this test expects perf_event not mounted as v1");
  const runner = runnerFor(["/wca-perf-absent"]);
  await assert.rejects(() => runner.start(), (error: Error) => {
    assert.match(
      error.message,
      /cannot count perf events for cgroups under \/sys\/fs\/cgroup\/unified \(ENOENT/,
    );
    assert.match(error.message, /mount -t cgroup -o perf_event perf_event \/sys\/fs\/cgroup\/perf_event/);
    return true;
  });
  await runner.close();
  const code = await runnerFor(["/wca-perf-absent"]).run(new AbortController().signal);
  assert.equal(code, 1, "run() exits 1 on the refusal");
});

Deno.test("perf on a v1 perf_event hierarchy: stress-ng --cpu 1 counts about one task-clock second per second", async () => {
  await withV1PerfEvent(() => measureStress(CONTROLLERS, "v1"));
});

Deno.test("perf fds: opened per task per CPU, closed when tasks go and at shutdown (own process)", async () => {
  await runIsolated(new URL("./perf_fds_isolated.ts", import.meta.url));
});
