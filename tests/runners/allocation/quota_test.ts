/**
 * AllocationRunner with StaticAllocator on real cgroup v1 on this machine, at the default cpu_quota_period
 * (1000 µs): a quota below the kernel's 1000 µs gets a longer period so a real stress-ng gets the share it
 * was given (WCA raised the quota instead: 0.25 of 2 CPUs became a whole CPU); a share the kernel cannot
 * hold is clamped and logged once; allocation metrics are read back after applying and allocations_count
 * counts only values whose writes were done.
 */
import assert from "node:assert/strict";
import { BUILTIN_COMPONENTS } from "../../../src/builtins.ts";
import { Registry } from "../../../src/components/mod.ts";
import { buildRunner, parseConfigText } from "../../../src/config/mod.ts";
import { parseListFormat } from "../../../src/platform/list_format.ts";
import type { AllocationRunner } from "../../../src/runners/allocation/runner.ts";
import { captureLogLines } from "../../helpers/log_capture.ts";
import { MemoryStorage, select } from "../../helpers/memory_storage.ts";
import { type RealCgroups, withRealCgroups } from "../../helpers/real_cgroups.ts";
import { assertWorkersInherit, delay, spawnStressNg, withCpuLoadLock } from "../../helpers/stress.ts";

const LABELS = { host: "t" };

/** The host's CPUs as wca counts them (Platform.cpus): the online list. */
function hostCpus(): number {
  return parseListFormat(Deno.readTextFileSync("/sys/devices/system/cpu/online").trim()).length;
}

function build(groups: RealCgroups, allocations: string, extra = "") {
  const storages = { metrics: new MemoryStorage(), allocations: new MemoryStorage() };
  const registry = new Registry(BUILTIN_COMPONENTS);
  for (
    const [name, instance] of [["Metrics", storages.metrics], ["Allocations", storages.allocations]] as const
  ) {
    registry.add(name, function () {
      return instance;
    } as never, "test");
  }
  const id = groups.paths[0]!.slice(1);
  const yaml = [
    "runner: !AllocationRunner",
    "  node: !StaticNode",
    `    tasks: [${id}]`,
    "  action_delay: 0.5",
    "  metrics_storage: !Metrics",
    "  allocations_storage: !Allocations",
    "  anomalies_storage: !Metrics",
    "  allocator: !StaticAllocator",
    `    rules: [{name: r, task_id: ${id}, allocations: ${allocations}}]`,
    extra,
    "",
  ].join("\n");
  const runner = buildRunner(parseConfigText("quota.yaml", yaml), {
    components: registry,
  }) as unknown as AllocationRunner;
  return { runner, storages, id };
}

function cpuFile(groups: RealCgroups, path: string, name: string): string {
  return Deno.readTextFileSync(`${groups.dirs(path).find((d) => d.includes("/cpu/"))}/${name}`).trim();
}

Deno.test("StaticAllocator cpu_quota 0.25 at the default 1000 µs period: a longer period, and stress-ng --cpu 2 held to 0.25 of the machine", async () => {
  const cpus = hostCpus();
  const rate = 0.25 * cpus; // CPUs
  // The shortest period (≥ 1000 µs) holding the kernel's minimum quota of 1000 µs at this rate.
  const periodUs = rate * 1000 >= 1000 ? 1000 : Math.ceil(1000 / rate);
  const quotaUs = Math.round(rate * periodUs);
  await withCpuLoadLock(async () => {
    await withRealCgroups(["cpu", "cpuacct", "memory"], 1, async (groups) => {
      const path = groups.paths[0]!;
      const stress = spawnStressNg(groups, path, "--cpu", "2", "--cpu-method", "int64", "--timeout", "180s");
      await assertWorkersInherit(groups, path, stress.pid, 2);
      const { runner, storages, id } = build(groups, "{cpu_quota: 0.25, cpu_shares: 262}");
      const facts = await runner.start();
      try {
        const { lines } = await captureLogLines(() => runner.iterate(facts, LABELS));
        assert.deepEqual(
          [cpuFile(groups, path, "cpu.cfs_quota_us"), cpuFile(groups, path, "cpu.cfs_period_us")],
          [String(quotaUs), String(periodUs)],
          `0.25 of ${cpus} CPUs is ${rate} CPU: ${quotaUs} µs per ${periodUs} µs`,
        );
        assert.equal(cpuFile(groups, path, "cpu.shares"), "262000");
        // Capped now, the test's parent cgroup may have the maximum weight: the task cannot take more than
        // its quota, and it reaches the quota while other test files (the parent's siblings) load the machine.
        Deno.writeTextFileSync(
          `${groups.dirs(groups.parent).find((d) => d.includes("/cpu/"))}/cpu.shares`,
          "262144",
        );
        assert.deepEqual(
          lines.filter((l) => /WARNING|ERROR/.test(l)),
          [],
          "nothing clamped, nothing refused",
        );
        const allocations = storages.allocations.latest();
        const one = (name: string) => select(allocations, name, { task_id: id })[0]?.value;
        assert.ok(Math.abs(one("allocation_cpu_quota")! - 0.25) < 0.25 * 5e-4, "the share asked, read back");
        assert.equal(one("allocation_cpu_quota_period_seconds"), periodUs / 1e6, "the period used");
        assert.equal(select(allocations, "allocations_count")[0]?.value, 2);

        const cpuacct = `${groups.dirs(path).find((d) => d.includes("/cpuacct/"))}/cpuacct.usage`;
        const usage = () => Number(Deno.readTextFileSync(cpuacct)) / 1e9;
        const throttled = () => Number(/nr_throttled (\d+)/.exec(cpuFile(groups, path, "cpu.stat"))![1]);
        // Upper side: no window gets more than the quota (plus the kernel's slack of about a period's
        // quota per CPU, and measuring jitter). Lower side: the kernel throttled the cgroup in a window,
        // so the workload wanted more and was held at the quota; a busy machine cannot fake that.
        const seen: string[] = [];
        let proven = 0;
        for (let window = 0; window < 8 && proven < 2; window++) {
          const [u0, t0, n0] = [usage(), performance.now(), throttled()];
          await delay(1000);
          const got = (usage() - u0) / ((performance.now() - t0) / 1000);
          seen.push(got.toFixed(3));
          assert.ok(
            got < rate * 1.15,
            `window ${window}: ${got.toFixed(3)} CPU-s/s, above the quota ${rate}`,
          );
          if (throttled() > n0) proven++;
        }
        console.log(`cpu_quota 0.25 of ${cpus} CPUs (${quotaUs}/${periodUs} µs): ${seen.join(", ")} CPU-s/s`);
        assert.equal(proven, 2, `the kernel never throttled the cgroup at its quota: ${seen.join(", ")}`);
        await runner.iterate(facts, LABELS);
        assert.equal(
          select(storages.allocations.latest(), "allocations_count")[0]?.value,
          2,
          "the same values again: read back as asked, nothing rewritten",
        );
      } finally {
        await runner.close();
        await groups.kill(stress);
      }
    });
  });
});

Deno.test("cpu_quota below 1000 µs per second: 1000 µs per 1 s written, logged once for the task", async () => {
  await withRealCgroups(["cpu", "cpuacct", "memory"], 1, async (groups) => {
    const path = groups.paths[0]!;
    const { runner, storages, id } = build(groups, "{cpu_quota: 0.0001}");
    const facts = await runner.start();
    try {
      const { lines } = await captureLogLines(async () => {
        for (let i = 0; i < 3; i++) await runner.iterate(facts, LABELS);
      });
      assert.deepEqual(
        [cpuFile(groups, path, "cpu.cfs_quota_us"), cpuFile(groups, path, "cpu.cfs_period_us")],
        ["1000", "1000000"],
      );
      const cpus = hostCpus();
      const warnings = lines.filter((l) => l.includes("WARNING"));
      assert.equal(warnings.length, 1, warnings.join("\n"));
      assert.match(
        warnings[0]!,
        new RegExp(
          `task ${id}: cpu_quota 0\\.0001 \\(${0.0001 * cpus} CPU\\) is below what the kernel can hold: ` +
            "1000 µs per 1000000 µs \\(0\\.001 CPU\\) written instead \\(reported once\\)",
        ),
      );
      const allocations = storages.allocations.latest();
      assert.equal(select(allocations, "allocation_cpu_quota", { task_id: id })[0]?.value, 0.001 / cpus);
      assert.equal(select(allocations, "allocation_cpu_quota_period_seconds", { task_id: id })[0]?.value, 1);
      assert.equal(select(allocations, "allocations_count")[0]?.value, 1, "written once, then held");
    } finally {
      await runner.close();
    }
  });
});

Deno.test("allocation metrics are what the system holds: cpusets refused for a task without a cpuset cgroup are neither reported nor counted", async () => {
  // The task has cgroups in cpu, cpuacct and memory only: every cpuset write fails (no such directory).
  await withRealCgroups(["cpu", "cpuacct", "memory"], 1, async (groups) => {
    const { runner, storages, id } = build(groups, '{cpu_shares: 0.5, cpuset_cpus: "0", cpuset_mems: "0"}');
    const facts = await runner.start();
    try {
      await captureLogLines(() => runner.iterate(facts, LABELS));
      const allocations = storages.allocations.latest();
      const named = (name: string) => select(allocations, name, { task_id: id }).map((m) => m.value);
      assert.deepEqual(named("allocation_cpu_shares"), [0.5]);
      assert.deepEqual(named("allocation_cpuset_cpus_number_of_cpus"), [], "never applied: not reported");
      assert.deepEqual(named("allocation_cpuset_mems_number_of_mems"), []);
      assert.equal(select(allocations, "allocations_count")[0]?.value, 1, "one value applied");
      assert.equal(select(allocations, "allocations_errors")[0]?.value, 1, "one iteration with refusals");
    } finally {
      await runner.close();
    }
  });
});
