/** MeasurementRunner.measure(): the typed snapshot detectors and allocators read, on fixture hosts and here. */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { StaticNode } from "../../../src/nodes/static_node.ts";
import { defaultHostPaths, hostPathsUnder } from "../../../src/platform/host_paths.ts";
import { encodeMeasured, MeasurementRunner } from "../../../src/runners/measurement/runner.ts";
import { MemoryStorage } from "../../helpers/memory_storage.ts";

const HOSTS = fileURLToPath(new URL("../../fixtures/hosts/", import.meta.url));

function runnerOn(hostPaths: ReturnType<typeof defaultHostPaths>, tasks: string[]) {
  const context = { hostPaths };
  const node = new StaticNode(StaticNode.schema.parse({ tasks }), context);
  return new MeasurementRunner(
    MeasurementRunner.schema.parse({ node, metrics_storage: new MemoryStorage() }),
    context,
  );
}

Deno.test("measure: the v2 fixture host as a typed snapshot; storing encodes the same samples", async () => {
  const runner = runnerOn(hostPathsUnder(`${HOSTS}v2_unified`), ["task1", "gone"]);
  const facts = await runner.start();
  const measured = await runner.measure(facts, { host: "h" });
  const { platform } = measured;
  assert.equal(platform.cpus, facts.topology.cpus);
  assert.equal(platform.sockets, facts.topology.sockets);
  assert.deepEqual(platform.onlineCpus, facts.topology.onlineCpus);
  assert.deepEqual(platform.numaNodes.map((n) => n.id), facts.platform.numaNodes);
  for (const node of platform.numaNodes) assert.ok(node.cpus.length > 0, `node ${node.id} has CPUs`);
  assert.equal(platform.topology.size, platform.cpus, "socket and core of every CPU");
  assert.equal(typeof platform.measurements.get("platform_mem_usage_bytes"), "number");
  const perCpu = platform.measurements.get("platform_cpu_usage");
  assert.ok(perCpu instanceof Map && perCpu.size === platform.cpus, "per-CPU usage keyed by cpu");
  assert.equal(platform.rdt, undefined, "no resctrl on this fixture");
  assert.equal(typeof platform.swapEnabled, "boolean");

  assert.deepEqual([...measured.tasks.keys()], ["task1"], "a task without a cgroup is absent, not an error");
  const task = measured.tasks.get("task1")!;
  assert.equal(task.task.task_id, "task1");
  assert.equal(task.labels.task_name, "task1");
  assert.equal(task.labels.host, "h");
  assert.equal(task.measurements.get("task_cpu_usage_seconds"), 913.374521);
  assert.equal(task.measurements.get("task_mem_usage_bytes"), 2283032576);
  assert.equal(measured.taskCount, 1, "StaticNode lists only tasks whose cgroup exists");

  const encoded = encodeMeasured(measured);
  const cpu = encoded.filter((m) => m.name === "task_cpu_usage_seconds");
  assert.deepEqual(cpu.map((m) => m.value), [913.374521], "storing encodes what was measured");
  assert.equal(
    encoded.length,
    measured.platformSamples.length + task.samples.length,
    "platform samples then each task's",
  );
  await runner.close();
});

Deno.test("measure: this machine's platform: NUMA nodes with distances, swap state, every online CPU", async () => {
  const runner = runnerOn(defaultHostPaths(), []);
  const facts = await runner.start();
  const { platform, tasks } = await runner.measure(facts, { host: "here" });
  assert.equal(tasks.size, 0);
  const cpus = platform.numaNodes.flatMap((n) => n.cpus).sort((a, b) => a - b);
  assert.deepEqual(cpus, [...platform.onlineCpus].sort((a, b) => a - b), "the nodes hold every online CPU");
  for (const node of platform.numaNodes) {
    assert.equal(node.distances.length, platform.numaNodes.length);
    assert.equal(
      node.distances[platform.numaNodes.indexOf(node)],
      10,
      "a node is at distance 10 from itself",
    );
    assert.ok(node.memFreeBytes! > 0);
  }
  const swapTotal = Number(/SwapTotal:\s+(\d+)/.exec(Deno.readTextFileSync("/proc/meminfo"))![1]);
  assert.equal(platform.swapEnabled, swapTotal > 0);
  assert.ok(Math.abs(platform.timestamp - Date.now()) < 60_000);
  await runner.close();
});
