/**
 * MeasurementRunner against this machine's real cgroups, with real stress-ng workloads: CPU and memory
 * as the kernel accounts them, cgroups that vanish between and during iterations, descriptors released
 * after task churn, and pressure (PSI) from the cgroup2 side of a hybrid host. Nothing is skipped: a
 * missing tool, controller or file fails the test.
 */
import assert from "node:assert/strict";
import type { Node, Storage, Task } from "../../src/components/interfaces.ts";
import { processHub } from "../../src/logging/mod.ts";
import type { Metric } from "../../src/metrics/metric.ts";
import { StaticNode } from "../../src/nodes/static_node.ts";
import { defaultHostPaths } from "../../src/platform/host_paths.ts";
import { MeasurementRunner } from "../../src/runners/measurement/mod.ts";
import { MemoryStorage, select, taskIds, taskValue } from "../helpers/memory_storage.ts";
import { withRealCgroups } from "../helpers/real_cgroups.ts";
import {
  assertWorkersInherit,
  delay,
  descendants,
  spawnStressNg,
  waitFor,
  withCpuLoadLock,
} from "../helpers/stress.ts";
import { ROOT } from "../helpers/wca_process.ts";

const HOST_PATHS = defaultHostPaths();
const LABELS = { host: "integration" };
const V1 = ["cpuacct", "cpu", "memory"] as const;
/** Not a v1 controller: withRealCgroups resolves it (via controllerMount) to the cgroup2 mount. */
const UNIFIED = "unified";
const MiB = 1024 * 1024;

/** StaticNode names tasks relative to "/": the cgroup path without its leading slash. */
const idOf = (path: string) => path.slice(1);

function staticNode(paths: readonly string[]): StaticNode {
  return new StaticNode(StaticNode.schema.parse({ tasks: paths.map(idOf) }), { hostPaths: HOST_PATHS });
}

function measurementRunner(node: Node, storage: Storage, interval = 0.5): MeasurementRunner {
  return new MeasurementRunner(
    MeasurementRunner.schema.parse({ node, metrics_storage: storage, interval }),
    { hostPaths: HOST_PATHS },
  );
}

/** utime + stime of the given processes in seconds (USER_HZ 100); exited ones count 0. */
function processCpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1]!.split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // exited
    }
  }
  return ticks / 100;
}

function loggedErrors(): number {
  return processHub().counts().reduce((sum, module) => sum + module.errors, 0);
}

function runnerWarnings(): number {
  return processHub().counts().find((c) => c.module === "wca.runners.measurement")?.warnings ?? 0;
}

function iterationSeconds(batch: readonly Metric[]): number | undefined {
  return select(batch, "wca_duration_seconds", { function: "iteration" })[0]?.value;
}

Deno.test("stress-ng --cpu 1 in a task cgroup: task_cpu_usage_seconds rises by about one CPU-second per second", async () => {
  await withCpuLoadLock(async () => {
    await withRealCgroups(V1, 1, async (groups) => {
      const path = groups.paths[0]!;
      const stress = spawnStressNg(groups, path, "--cpu", "1", "--cpu-method", "int64");
      await assertWorkersInherit(groups, path, stress.pid, 1);
      const storage = new MemoryStorage();
      const runner = measurementRunner(staticNode([path]), storage);
      const facts = runner.hostFacts();
      const samples: { at: number; cpu: number; procCpu: number }[] = [];
      const durations: number[] = [];
      const end = performance.now() + 3000;
      for (;;) {
        const batch = await runner.iterate(facts, LABELS);
        const at = performance.now();
        const cpu = taskValue(batch, "task_cpu_usage_seconds", idOf(path));
        assert.ok(cpu !== undefined, `no task_cpu_usage_seconds for ${idOf(path)}`);
        samples.push({ at, cpu, procCpu: processCpuSeconds([stress.pid, ...descendants(stress.pid)]) });
        durations.push(iterationSeconds(batch)!);
        if (at >= end) break;
        await delay(500);
      }
      const first = samples[0]!;
      const last = samples.at(-1)!;
      const seconds = (last.at - first.at) / 1000;
      const rate = (last.cpu - first.cpu) / seconds;
      // The processes' own CPU time (utime + stime in /proc/PID/stat, 10 ms ticks): an independent count.
      // Other tests share the two CPUs, so the absolute rate varies; the two counts must agree.
      const procRate = (last.procCpu - first.procCpu) / seconds;
      console.log(
        `CPU: ${rate.toFixed(3)} CPU-s per wall second (processes' own: ${procRate.toFixed(3)}) over ` +
          `${seconds.toFixed(2)} s; iterations ${durations.map((d) => (d * 1000).toFixed(1)).join(", ")} ms`,
      );
      assert.ok(
        rate >= 0.3 && rate <= 1.15,
        `one busy worker: expected 0.3..1.15 CPU-seconds per second, measured ${rate}`,
      );
      assert.ok(
        Math.abs(rate - procRate) <= 0.1 * procRate + 0.03,
        `cgroup ${rate} vs processes ${procRate}`,
      );
      for (let i = 1; i < samples.length; i++) {
        assert.ok(samples[i]!.cpu >= samples[i - 1]!.cpu, "task_cpu_usage_seconds is a counter");
      }
      assert.equal(storage.batches.length, samples.length, "every iteration stored one batch");
    });
  });
});

Deno.test("stress-ng --vm 1 --vm-bytes 256M --vm-keep: task_mem_usage_bytes settles at about 256 MiB", async () => {
  await withRealCgroups(V1, 1, async (groups) => {
    const path = groups.paths[0]!;
    const stress = spawnStressNg(groups, path, "--vm", "1", "--vm-bytes", "256M", "--vm-keep");
    await assertWorkersInherit(groups, path, stress.pid, 1);
    const runner = measurementRunner(staticNode([path]), new MemoryStorage());
    const facts = runner.hostFacts();
    const seen: number[] = [];
    const usage = await waitFor("task_mem_usage_bytes >= 240 MiB", 10_000, async () => {
      const value = taskValue(await runner.iterate(facts, LABELS), "task_mem_usage_bytes", idOf(path));
      assert.ok(value !== undefined, `no task_mem_usage_bytes for ${idOf(path)}`);
      seen.push(value);
      return value >= 240 * MiB ? value : undefined;
    }, 200);
    // Settled: a few more iterations stay in range.
    for (let i = 0; i < 3; i++) {
      await delay(200);
      const batch = await runner.iterate(facts, LABELS);
      const value = taskValue(batch, "task_mem_usage_bytes", idOf(path))!;
      seen.push(value);
      assert.ok(value >= 240 * MiB && value < 400 * MiB, `task_mem_usage_bytes ${value / MiB} MiB`);
      const max = taskValue(batch, "task_mem_max_usage_bytes", idOf(path))!;
      assert.ok(max >= value, `task_mem_max_usage_bytes ${max} < usage ${value}`);
    }
    console.log(
      `memory: ${seen.map((v) => (v / MiB).toFixed(1)).join(", ")} MiB (first >= 240: ${
        (usage / MiB).toFixed(1)
      })`,
    );
  });
});

Deno.test("a cgroup removed between or during iterations: only its task loses its metrics, only then", async () => {
  await withRealCgroups(V1, 3, async (groups) => {
    const [a, b, c] = groups.paths as [string, string, string];
    const procs = new Map(groups.paths.map((path) => [path, groups.spawnIn(path)]));
    const inner = staticNode(groups.paths);
    /** Runs once, after the tasks are listed and before they are measured. */
    let afterListing: (() => Promise<void>) | undefined;
    const node: Node = {
      async getTasks(): Promise<readonly Task[]> {
        const tasks = inner.getTasks();
        const hook = afterListing;
        afterListing = undefined;
        await hook?.();
        return tasks;
      },
    };
    const runner = measurementRunner(node, new MemoryStorage());
    const facts = runner.hostFacts();
    const errorsBefore = loggedErrors();
    const warningsBefore = runnerWarnings();
    const removeTask = async (path: string) => {
      await groups.kill(procs.get(path)!);
      groups.remove(path);
    };
    const measuredIds = (batch: readonly Metric[]) => {
      const ids = taskIds(batch);
      for (const name of ["task_cpu_usage_seconds", "task_mem_usage_bytes"]) {
        assert.deepEqual(taskIds(batch, name), ids, `${name} for every measured task`);
      }
      return [...ids].sort();
    };
    const tasksGauge = (batch: readonly Metric[]) => batch.find((m) => m.name === "wca_tasks")?.value;

    let batch = await runner.iterate(facts, LABELS);
    assert.deepEqual(measuredIds(batch), [a, b, c].map(idOf));

    // Between iterations: b is killed and its cgroup removed.
    await removeTask(b);
    batch = await runner.iterate(facts, LABELS);
    assert.deepEqual(measuredIds(batch), [a, c].map(idOf));
    assert.equal(tasksGauge(batch), 2);

    // b comes back (same name, new cgroup): measured again from the next iteration on.
    for (const dir of groups.dirs(b)) Deno.mkdirSync(dir);
    procs.set(b, groups.spawnIn(b));
    batch = await runner.iterate(facts, LABELS);
    assert.deepEqual(measuredIds(batch), [a, b, c].map(idOf));

    // During an iteration: c is listed by the node, then removed before the runner reads it.
    afterListing = () => removeTask(c);
    batch = await runner.iterate(facts, LABELS);
    assert.equal(tasksGauge(batch), 3, "the node listed c");
    assert.deepEqual(measuredIds(batch), [a, b].map(idOf));
    assert.ok(select(batch, "platform_cpu_usage").length > 0, "the platform is still measured");

    batch = await runner.iterate(facts, LABELS);
    assert.deepEqual(measuredIds(batch), [a, b].map(idOf));
    assert.equal(loggedErrors(), errorsBefore, "nothing logged at ERROR");
    assert.equal(runnerWarnings(), warningsBefore, "a vanished cgroup is not a runner warning");
  });
});

/** The fd check runs in its own process: `deno test --parallel` runs other test files in this one. */
const FD_SCRIPT = (root: string) => `
import { CgroupNode } from "${root}src/nodes/cgroup_node.ts";
import { defaultHostPaths } from "${root}src/platform/host_paths.ts";
import { MeasurementRunner } from "${root}src/runners/measurement/mod.ts";
import { FilterStorage } from "${root}src/storages/filter_storage.ts";
import { HTTPMetricsStorage } from "${root}src/storages/http_storage.ts";
import { LogStorage } from "${root}src/storages/log_storage.ts";
import { withRealCgroups } from "${root}tests/helpers/real_cgroups.ts";

const openFds = () => {
  const fds = new Map();
  for (const entry of Deno.readDirSync("/proc/self/fd")) {
    try { fds.set(entry.name, Deno.readLinkSync("/proc/self/fd/" + entry.name)); } catch { /* the dir's own fd */ }
  }
  return fds;
};
// The baseline is taken once the runtime has settled: Deno opens a socketpair of its own about 0.5 s
// after start (seen with an empty script), and sets up child-process handling on the first spawn.
await new Deno.Command("true").output();
let before = openFds();
for (let stable = performance.now(); performance.now() < 1500 || performance.now() - stable < 500;) {
  await new Promise((resolve) => setTimeout(resolve, 50));
  const now = openFds();
  if (now.size !== before.size) [before, stable] = [now, performance.now()];
}
const outDir = Deno.makeTempDirSync();
const hostPaths = defaultHostPaths();
const result = { iterations: 0, tasksSeen: 0, scrapes: 0, durations: [] };
const seen = new Set();
await withRealCgroups(["cpuacct", "cpu", "memory"], 3, async (groups) => {
  for (const path of groups.paths) groups.spawnIn(path);
  const churned = [];
  const controller = new AbortController();
  const discover = new CgroupNode(CgroupNode.schema.parse({ parents: [groups.parent] }), { hostPaths });
  const node = {
    async getTasks() {
      const i = ++result.iterations;
      const path = groups.parent + "/c" + i;
      for (const dir of groups.dirs(path)) Deno.mkdirSync(dir);
      churned.push({ path, child: groups.spawnIn(path) });
      const tasks = await discover.getTasks();
      for (const task of tasks) seen.add(task.task_id);
      // The previous churned task vanishes after it was listed: measured as gone mid-iteration.
      if (churned.length > 1) {
        const old = churned.shift();
        await groups.kill(old.child);
        groups.remove(old.path);
      }
      if (i === 20) controller.abort();
      return tasks;
    },
  };
  const http = new HTTPMetricsStorage({ listen: "127.0.0.1:9192" }, { hostPaths }, { port: 0 });
  const storage = new FilterStorage({
    storages: [
      http,
      new LogStorage({ output_filename: outDir + "/wca.prom", overwrite: true }),
      {
        store(metrics) {
          const it = metrics.find((m) => m.name === "wca_duration_seconds" && m.labels.function === "iteration");
          result.durations.push(Math.round(it.value * 1e4) / 10);
        },
      },
    ],
  });
  const runner = new MeasurementRunner(
    MeasurementRunner.schema.parse({ node, metrics_storage: storage, interval: 0.05 }),
    { hostPaths },
  );
  const client = Deno.createHttpClient({});
  const scraping = (async () => {
    while (!controller.signal.aborted) {
      const response = await fetch(http.url, { client });
      const text = await response.text();
      if (response.ok && text.includes("task_cpu_usage_seconds")) result.scrapes++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  try {
    await runner.run(controller.signal);
  } finally {
    controller.abort();
    await scraping;
    client.close();
    for (const { path, child } of churned) {
      await groups.kill(child);
      groups.remove(path);
    }
  }
});
result.tasksSeen = seen.size;
Deno.removeSync(outDir, { recursive: true });
// A closed server or client socket may take a moment to be released by the runtime.
let after = openFds();
for (let i = 0; i < 20 && after.size !== before.size; i++) {
  await new Promise((resolve) => setTimeout(resolve, 50));
  after = openFds();
}
const extra = [...after].filter(([fd, target]) => before.get(fd) !== target);
console.log(JSON.stringify({ ...result, before: before.size, after: after.size, extra }));
`;

Deno.test("open descriptors return to the baseline after 20 iterations with task churn (in a subprocess)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const script = `${dir}/fd_check.ts`;
    await Deno.writeTextFile(script, FD_SCRIPT(new URL(`file://${ROOT}`).href));
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", "--config", `${ROOT}deno.json`, script],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(output.stdout);
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, `fd check failed:\n${stderr}`);
    const result = JSON.parse(stdout.trim().split("\n").at(-1)!);
    console.log(`fds: ${JSON.stringify(result)}`);
    assert.equal(result.iterations, 20);
    assert.ok(result.tasksSeen >= 3 + 20, `tasks seen ${result.tasksSeen}`);
    assert.ok(result.scrapes > 0, "the HTTP storage was scraped while the runner ran");
    assert.deepEqual(result.extra, [], "descriptors left open");
    assert.equal(result.after, result.before);
    assert.doesNotMatch(stderr, /ERROR/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("PSI: a task with a cgroup2 directory gets task_*_pressure_* metrics, a v1-only task none", async () => {
  await withCpuLoadLock(async () => {
    await withRealCgroups([...V1, UNIFIED], 2, async (groups) => {
      const unified = groups.layout.unified;
      assert.ok(unified, "this host has a cgroup2 mount");
      const [withV2, v1Only] = groups.paths as [string, string];
      assert.ok(
        groups.dirs(withV2).includes(unified.mountPoint + withV2),
        "the task has a cgroup2 directory",
      );
      Deno.removeSync(unified.mountPoint + v1Only);
      // One busy worker more than there are CPUs: the task waits for a CPU now and then.
      const workers = Math.max(1, navigator.hardwareConcurrency) + 1;
      const stress = spawnStressNg(groups, withV2, "--cpu", String(workers), "--cpu-method", "int64");
      await assertWorkersInherit(groups, withV2, stress.pid, workers);
      const runner = measurementRunner(staticNode(groups.paths), new MemoryStorage());
      const facts = runner.hostFacts();
      const first = await runner.iterate(facts, LABELS);
      const names = ["cpu", "mem", "io"].map((r) => `task_${r}_pressure_some_seconds`);
      for (const name of names) {
        assert.ok(taskValue(first, name, idOf(withV2)) !== undefined, `${name} for the cgroup2 task`);
        assert.equal(taskValue(first, name, idOf(v1Only)), undefined, `no ${name} for the v1-only task`);
      }
      assert.ok(taskValue(first, "task_cpu_usage_seconds", idOf(v1Only)) !== undefined);
      const some = await waitFor("CPU pressure to grow", 5000, async () => {
        const batch = await runner.iterate(facts, LABELS);
        const value = taskValue(batch, "task_cpu_pressure_some_seconds", idOf(withV2))!;
        return value > taskValue(first, "task_cpu_pressure_some_seconds", idOf(withV2))! ? value : undefined;
      }, 250);
      const file = Deno.readTextFileSync(`${unified.mountPoint}${withV2}/cpu.pressure`);
      const fileTotal = Number(/^some .*total=(\d+)/m.exec(file)?.[1]) / 1e6;
      console.log(`PSI: cpu some ${some.toFixed(4)} s (file now ${fileTotal.toFixed(4)} s)`);
      assert.ok(fileTotal >= some, "the metric is the cgroup's own cpu.pressure total");
    });
  });
});
