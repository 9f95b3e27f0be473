/**
 * AllocationRunner on real cgroup v1 on this machine, built from YAML by the real loader: a stress-ng
 * task is given cpu_quota 0.25, shares and a cpuset by an allocator; what the agent itself measures
 * drops to about half a CPU, the scheduler shows the cpuset, and the allocation metrics say what was
 * applied. Invalid allocations, dry runs and failing or hanging allocators leave every file untouched.
 */
import assert from "node:assert/strict";
import { BUILTIN_COMPONENTS } from "../../../src/builtins.ts";
import type { AllocationResult } from "../../../src/components/decisions.ts";
import { Registry } from "../../../src/components/mod.ts";
import type { Platform, TasksData } from "../../../src/components/snapshot.ts";
import { buildRunner, parseConfigText } from "../../../src/config/mod.ts";
import type { Metric } from "../../../src/metrics/metric.ts";
import type { AllocationRunner } from "../../../src/runners/allocation/runner.ts";
import { MemoryStorage, select } from "../../helpers/memory_storage.ts";
import { type RealCgroups, withRealCgroups } from "../../helpers/real_cgroups.ts";
import { assertWorkersInherit, delay, spawnStressNg, withCpuLoadLock } from "../../helpers/stress.ts";

/** An allocator whose answer the test sets; it remembers what it was shown. */
class ScriptedAllocator {
  static readonly description = "test allocator";
  answer: () => AllocationResult | Promise<AllocationResult> = () => ({ allocations: new Map() });
  seen: TasksData | undefined;
  platform: Platform | undefined;
  allocate(platform: Platform, tasksData: TasksData) {
    this.platform = platform;
    this.seen = tasksData;
    return this.answer();
  }
}

const storages = {
  metrics: new MemoryStorage(),
  allocations: new MemoryStorage(),
  anomalies: new MemoryStorage(),
};

/** A registry with the built-ins, the scripted allocator and the test storages (as instances). */
function registry(allocator: ScriptedAllocator): Registry {
  const r = new Registry(BUILTIN_COMPONENTS);
  const fixed = (instance: object) => {
    const cls = function () {
      return instance;
    } as unknown as { new (): object; readonly name: string };
    return cls;
  };
  r.add("Scripted", fixed(allocator) as never, "test");
  r.add("Metrics", fixed(storages.metrics) as never, "test");
  r.add("Allocations", fixed(storages.allocations) as never, "test");
  r.add("Anomalies", fixed(storages.anomalies) as never, "test");
  return r;
}

function cpusetInit(groups: RealCgroups): void {
  for (const path of [groups.parent, ...groups.paths]) {
    const dir = groups.dirs(path).find((d) => d.includes("/cpuset/"))!;
    for (const file of ["cpuset.cpus", "cpuset.mems"]) {
      Deno.writeTextFileSync(`${dir}/${file}`, Deno.readTextFileSync(`${dir}/../${file}`).trim());
    }
  }
}

function file(groups: RealCgroups, path: string, controller: string, name: string): string {
  return Deno.readTextFileSync(`${groups.dirs(path).find((d) => d.includes(`/${controller}/`))}/${name}`)
    .trim();
}

function allocationFiles(groups: RealCgroups, path: string): string[] {
  return [
    file(groups, path, "cpu", "cpu.cfs_quota_us"),
    file(groups, path, "cpu", "cpu.cfs_period_us"),
    file(groups, path, "cpu", "cpu.shares"),
    file(groups, path, "cpuset", "cpuset.cpus"),
    file(groups, path, "cpuset", "cpuset.mems"),
  ];
}

function build(allocator: ScriptedAllocator, groups: RealCgroups, extra = ""): AllocationRunner {
  const yaml = [
    "runner: !AllocationRunner",
    "  node: !StaticNode",
    `    tasks: [${groups.paths.map((p) => p.slice(1)).join(", ")}]`,
    "  action_delay: 0.5",
    "  metrics_storage: !Metrics",
    "  allocations_storage: !Allocations",
    "  anomalies_storage: !Anomalies",
    "  allocator: !Scripted",
    "  allocation_configuration: !AllocationConfiguration {cpu_quota_period: 100000}",
    extra,
    "",
  ].join("\n");
  return buildRunner(parseConfigText("allocation.yaml", yaml), {
    components: registry(allocator),
  }) as unknown as AllocationRunner;
}

const last = (storage: MemoryStorage): readonly Metric[] => storage.batches.at(-1) ?? [];
const LABELS = { host: "t" };

Deno.test("AllocationRunner: cpu_quota 0.25 holds stress-ng --cpu 2 to about half a CPU; shares and cpuset applied once", async () => {
  await withCpuLoadLock(async () => {
    await withRealCgroups(["cpu", "cpuacct", "memory", "cpuset"], 1, async (groups) => {
      cpusetInit(groups);
      const path = groups.paths[0]!;
      const id = path.slice(1);
      const stress = spawnStressNg(groups, path, "--cpu", "2", "--cpu-method", "int64", "--timeout", "180s");
      await assertWorkersInherit(groups, path, stress.pid, 2);
      const allocator = new ScriptedAllocator();
      const runner = build(allocator, groups);
      const facts = await runner.start();
      try {
        // The agent measures at the start of an iteration: a window runs from one start to the next (timed
        // from the end of an iteration, a slow one on a busy machine would shorten it and inflate the rate).
        let t0 = performance.now();
        await runner.iterate(facts, LABELS); // before: no allocation asked for
        const usage = () =>
          select(last(storages.metrics), "task_cpu_usage_seconds", { task_id: id })[0]!.value;
        let u0 = usage();
        await delay(1500);
        let t1 = performance.now();
        await runner.iterate(facts, LABELS);
        const before = (usage() - u0) / ((t1 - t0) / 1000);
        assert.equal(
          allocator.seen?.get(id)?.allocations?.cpu_quota,
          1,
          "current allocations are read back: unlimited",
        );

        allocator.answer = () => ({
          allocations: new Map([[id, { cpu_quota: 0.25, cpu_shares: 262, cpuset_cpus: "0" }]]),
        });
        t1 = performance.now();
        await runner.iterate(facts, LABELS);
        assert.deepEqual(allocationFiles(groups, path).slice(0, 4), ["50000", "100000", "262000", "0"]);
        // Capped now, the task and the test's parent cgroup may have the maximum weight: it cannot take more
        // than its quota, and it reaches the quota (so the kernel throttles it) while other test files (the
        // parent's siblings) load CPU 0.
        Deno.writeTextFileSync(
          `${groups.dirs(groups.parent).find((d) => d.includes("/cpu/"))}/cpu.shares`,
          "262144",
        );
        const workers = [stress.pid, ...(await assertWorkersInherit(groups, path, stress.pid, 2))];
        for (const pid of workers) {
          const status = Deno.readTextFileSync(`/proc/${pid}/status`);
          assert.match(status, /Cpus_allowed_list:\s+0\n/, `process ${pid} runs on CPU 0 only`);
        }
        const allocs = last(storages.allocations);
        assert.equal(select(allocs, "allocation_cpu_quota", { task_id: id })[0]?.value, 0.25);
        assert.equal(select(allocs, "allocation_cpu_shares", { task_id: id })[0]?.value, 262);
        assert.equal(select(allocs, "allocation_cpuset_cpus_number_of_cpus", { task_id: id })[0]?.value, 1);
        assert.equal(select(allocs, "allocations_count", {})[0]?.value, 3, "three values written");
        assert.equal(select(allocs, "allocations_errors", {})[0]?.value, 0);

        const throttled = () => Number(/nr_throttled (\d+)/.exec(file(groups, path, "cpu", "cpu.stat"))![1]);
        // Every window stays under the quota (half a CPU), whatever else runs; a window in which the task
        // got near its quota shows the kernel throttling it (a machine this busy for 10 s: fail, loudly).
        const seen: string[] = [];
        let proven = false;
        for (let window = 0; window < 8 && !proven; window++) {
          const throttled0 = throttled();
          [u0, t0] = [usage(), t1];
          await delay(1200);
          t1 = performance.now();
          await runner.iterate(facts, LABELS);
          const after = (usage() - u0) / ((t1 - t0) / 1000);
          seen.push(after.toFixed(2));
          assert.ok(after < 0.6, `held to about half a CPU by its quota (0.25 of 2 CPUs): ${after}`);
          if (after < 0.4) continue;
          assert.ok(throttled() > throttled0, "the kernel throttled the cgroup at its quota");
          proven = true;
        }
        console.log(
          `stress-ng --cpu 2: ${before.toFixed(2)} CPU before, ${seen.join(", ")} CPU under cpu_quota 0.25`,
        );
        assert.ok(
          proven,
          `never near its quota in 10 s: the machine is too busy to show it (${seen.join(", ")})`,
        );
        assert.equal(
          select(last(storages.allocations), "allocations_count", {})[0]?.value,
          3,
          "asked again for the same values: nothing rewritten",
        );
        assert.equal(
          allocator.seen?.get(id)?.allocations?.cpuset_cpus,
          "0",
          "the allocator sees what it set",
        );
        assert.ok(
          select(last(storages.metrics), "wca_duration_seconds", { function: "allocate" }).length === 1,
        );
      } finally {
        await runner.close();
      }
    });
  });
});

Deno.test("AllocationRunner: an invalid allocation, a dry run, a throwing and a hanging allocator each leave every file as it was", async () => {
  await withRealCgroups(["cpu", "cpuacct", "memory", "cpuset"], 1, async (groups) => {
    cpusetInit(groups);
    const path = groups.paths[0]!;
    const id = path.slice(1);
    groups.spawnIn(path);
    const files = allocationFiles(groups, path);
    const errors = () => select(last(storages.allocations), "allocations_errors", {})[0]?.value;
    const measured = () => select(last(storages.metrics), "task_up", { task_id: id }).length;

    const allocator = new ScriptedAllocator();
    const runner = build(allocator, groups, "  time_limit: 0.3");
    const facts = await runner.start();
    try {
      allocator.answer = () => ({
        // One invalid value (a CPU this machine does not have) drops the whole iteration's allocations.
        allocations: new Map([[id, { cpu_shares: 2, cpuset_cpus: `${navigator.hardwareConcurrency + 7}` }]]),
      });
      await runner.iterate(facts, LABELS);
      assert.deepEqual(allocationFiles(groups, path), files, "invalid: nothing written");
      assert.equal(errors(), 1);
      assert.equal(measured(), 1, "the task is still measured and stored");

      allocator.answer = () => {
        throw new Error("allocator bug");
      };
      await runner.iterate(facts, LABELS);
      assert.equal(errors(), 2);
      allocator.answer = () => new Promise<AllocationResult>(() => {}); // never answers
      const t0 = performance.now();
      await runner.iterate(facts, LABELS);
      assert.ok(performance.now() - t0 < 3000, "the iteration ended at the time limit");
      assert.equal(errors(), 3);
      allocator.answer = () => ({ allocations: { [id]: { cpu_shares: "lots" } } } as never);
      await runner.iterate(facts, LABELS);
      assert.equal(errors(), 4, "a wrong shape is an error too");
      assert.deepEqual(allocationFiles(groups, path), files);
      assert.equal(measured(), 1);
    } finally {
      await runner.close();
    }

    const dry = build(allocator, groups, "  dry_run: true");
    const dryFacts = await dry.start();
    try {
      allocator.answer = () => ({ allocations: { [id]: { cpu_shares: 2, cpu_quota: 0.5 } } });
      await dry.iterate(dryFacts, LABELS);
      assert.deepEqual(allocationFiles(groups, path), files, "dry_run: nothing written");
      const allocs = last(storages.allocations);
      assert.equal(
        select(allocs, "allocation_cpu_shares", { task_id: id })[0]?.value,
        2,
        "what would be applied",
      );
      assert.equal(select(allocs, "allocations_errors", {})[0]?.value, 0);
    } finally {
      await dry.close();
    }
  });
});
