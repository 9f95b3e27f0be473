/**
 * PerfSource's pod arithmetic with hardware counts, which this machine cannot produce: a small model
 * of the kernel's side (fds, group reads in the kernel's byte layout) feeds fixed counts per container
 * cgroup. Real counting is in tests/integration/perf_test.ts.
 */
import assert from "node:assert/strict";
import { groupReadSize } from "../../ffi/mod.ts";
import type { Task } from "../../src/components/interfaces.ts";
import { resolveEvents } from "../../src/perf/events.ts";
import { PerfSource } from "../../src/perf/source.ts";
import type { CounterSyscalls } from "../../src/perf/task_counters.ts";

/**
 * Counts per cgroup directory per attr.config (instructions = 1, cycles = 0); time enabled = running
 * unless `times` says otherwise for a directory on a CPU (`dir@cpu`).
 */
class KernelModel implements CounterSyscalls {
  counts = new Map<string, Map<bigint, number>>();
  times = new Map<string, { enabled: number; running: number }>();
  readonly #dirs = new Map<number, string>();
  readonly #leaders = new Map<number, { dir: string; cpu: number; configs: bigint[] }>();
  readonly fds = new Set<number>();
  #next = 100;

  open(path: string): number {
    const fd = this.#next++;
    this.#dirs.set(fd, path);
    this.fds.add(fd);
    return fd;
  }
  perfEventOpen(attr: Uint8Array<ArrayBuffer>, pid: number, cpu: number, groupFd: number): number {
    const config = new DataView(attr.buffer).getBigUint64(8, true);
    const fd = this.#next++;
    this.fds.add(fd);
    if (groupFd === -1) this.#leaders.set(fd, { dir: this.#dirs.get(pid)!, cpu, configs: [config] });
    else this.#leaders.get(groupFd)!.configs.push(config);
    return fd;
  }
  ioctl(): void {}
  read(fd: number, buffer: Uint8Array<ArrayBuffer>): number {
    const { dir, cpu, configs } = this.#leaders.get(fd)!;
    const view = new DataView(buffer.buffer);
    const times = this.times.get(`${dir}@${cpu}`) ?? { enabled: 1000, running: 1000 };
    view.setBigUint64(0, BigInt(configs.length), true);
    view.setBigUint64(8, BigInt(times.enabled), true);
    view.setBigUint64(16, BigInt(times.running), true);
    configs.forEach((config, i) => {
      view.setBigUint64(24 + 16 * i, BigInt(this.counts.get(dir)?.get(config) ?? 0), true);
      view.setBigUint64(32 + 16 * i, BigInt(i), true);
    });
    return groupReadSize(configs.length);
  }
  close(fd: number): void {
    this.fds.delete(fd);
  }
}

const pod: Task = {
  name: "pod",
  task_id: "pod",
  cgroup_path: "/kubepods/pod",
  subcgroups_paths: ["/kubepods/pod/a", "/kubepods/pod/b"],
  labels: {},
  resources: {},
};

Deno.test("a pod's counters are summed over containers and CPUs, and its IPC comes from the sums", () => {
  const kernel = new KernelModel();
  const { events } = resolveEvents(["task_instructions", "task_cycles"], "skylake");
  let now = 0;
  const source = new PerfSource(kernel, events, {
    cgroupRoot: "/cg",
    cpus: [0, 1],
    aggregateCpus: true,
    derivedMetrics: true,
    maxOpenFiles: 1024,
    clock: () => now,
  });
  const set = (dir: string, instructions: number, cycles: number) =>
    kernel.counts.set(`/cg/kubepods/pod/${dir}`, new Map([[1n, instructions], [0n, cycles]]));
  set("a", 0, 0);
  set("b", 0, 0);
  source.sync([pod]);
  assert.equal(kernel.fds.size, 2 * 2 * 2, "two containers × two CPUs × two events; dir fds closed");
  const labels = Object.freeze({ task_id: "pod" });
  const first = source.taskMetrics(pod, labels);
  assert.equal(first.find((m) => m.name === "task_ipc"), undefined);
  // Container a: 1000 instructions in 1000 cycles per CPU (IPC 1); b: 100 in 900 (IPC 0.11).
  set("a", 1000, 1000);
  set("b", 100, 900);
  now = 2;
  const second = Object.fromEntries(source.taskMetrics(pod, labels).map((m) => [m.name, m.value]));
  assert.equal(second.task_instructions, 2 * (1000 + 100));
  assert.equal(second.task_cycles, 2 * (1000 + 900));
  assert.equal(second.task_ipc, 2200 / 3800, "ratio of sums, not the sum or mean of ratios");
  assert.equal(second.task_ips, 2200 / 2);
  source.sync([]);
  assert.equal(kernel.fds.size, 0, "a task that left has its fds closed");
  source.close();
});

Deno.test("perf_aggregate_cpus: false gives one series per CPU; a pod whose containers change starts over", () => {
  const kernel = new KernelModel();
  const { events } = resolveEvents(["task_instructions"], "skylake");
  const source = new PerfSource(kernel, events, {
    cgroupRoot: "/cg",
    cpus: [0, 3],
    aggregateCpus: false,
    derivedMetrics: false,
    maxOpenFiles: 1024,
  });
  kernel.counts.set("/cg/kubepods/pod/a", new Map([[1n, 7]]));
  source.sync([pod]);
  const perCpu = source.taskMetrics(pod, Object.freeze({ task_id: "pod" }))
    .filter((m) => m.name === "task_instructions");
  assert.deepEqual(perCpu.map((m) => [m.labels.cpu, m.value]), [["0", 7], ["3", 7]]);
  const taskLabels = Object.freeze({ task_id: "pod" });
  const cpuLabels = (labels: typeof taskLabels) =>
    source.taskMetrics(pod, labels).filter((m) => m.name === "task_instructions").map((m) => m.labels);
  const first = cpuLabels(taskLabels);
  assert.ok(first.every(Object.isFrozen), "frozen, so encoders may remember their text");
  assert.ok(cpuLabels(taskLabels).every((labels, i) => labels === first[i]), "the same objects next time");
  const renamed = cpuLabels(Object.freeze({ task_id: "pod", app: "x" }));
  assert.deepEqual(
    renamed.map((l) => [l.app, l.cpu]),
    [["x", "0"], ["x", "3"]],
    "new task labels: new objects",
  );
  const before = kernel.fds.size;
  source.sync([{ ...pod, subcgroups_paths: ["/kubepods/pod/a"] }]);
  assert.equal(kernel.fds.size, before / 2, "the container that left is no longer counted");
  source.close();
  assert.equal(kernel.fds.size, 0);
});

Deno.test("groups never enabled add nothing; a starved group makes the sum unknown; nothing counted: no value", () => {
  const kernel = new KernelModel();
  const { events } = resolveEvents(["task_instructions", "task_cycles"], "skylake");
  let now = 0;
  const options = {
    cgroupRoot: "/cg",
    cpus: [0, 1],
    derivedMetrics: true,
    maxOpenFiles: 1024,
    clock: () => now,
  };
  const summed = new PerfSource(kernel, events, { ...options, aggregateCpus: true });
  const split = new PerfSource(kernel, events, { ...options, aggregateCpus: false });
  const a = "/cg/kubepods/pod/a";
  const b = "/cg/kubepods/pod/b";
  kernel.counts.set(a, new Map([[1n, 100], [0n, 200]]));
  kernel.counts.set(b, new Map([[1n, 10], [0n, 20]]));
  summed.sync([pod]);
  split.sync([pod]);
  const labels = Object.freeze({ task_id: "pod" });
  const read = (source: PerfSource) => source.taskMetrics(pod, labels);
  const byName = (metrics: ReturnType<typeof read>) =>
    Object.fromEntries(metrics.map((m) => [m.labels.cpu ? `${m.name}@${m.labels.cpu}` : m.name, m.value]));

  // Container b never ran on CPU 1 (never enabled there): it adds nothing, and nothing is missing.
  kernel.times.set(`${b}@1`, { enabled: 0, running: 0 });
  // Container a shared CPU 1's counters half the time: scaled by 2.
  kernel.times.set(`${a}@1`, { enabled: 2000, running: 1000 });
  let values = byName(read(summed));
  assert.equal(values.task_instructions, 100 + 10 + 2 * 100);
  assert.equal(values.task_scaling_factor_max, 2);
  assert.equal(values.task_scaling_factor_avg, (1 + 1 + 2) / 3, "over the three groups that counted");
  values = byName(read(split));
  assert.equal(values["task_instructions@0"], 110);
  assert.equal(values["task_instructions@1"], 200);

  // Container b was enabled on CPU 1 but never got a counter: the task's sum is unknown, CPU 1's too.
  kernel.times.set(`${b}@1`, { enabled: 500, running: 0 });
  now = 1;
  values = byName(read(summed));
  assert.equal(values.task_instructions, undefined, "no made-up total");
  assert.equal(values.task_ipc, undefined, "no derived metric from an unknown total");
  assert.ok(Number.isFinite(values.task_scaling_factor_max!), "scaling factors stay finite");
  values = byName(read(split));
  assert.equal(values["task_instructions@0"], 110, "CPU 0 is still known");
  assert.equal(values["task_instructions@1"], undefined);

  // Nothing ever enabled anywhere: no value at all, no scaling factor.
  for (const dir of [a, b]) {
    for (const cpu of [0, 1]) kernel.times.set(`${dir}@${cpu}`, { enabled: 0, running: 0 });
  }
  assert.deepEqual(read(summed), []);
  assert.deepEqual(read(split), []);
  summed.close();
  split.close();
});
