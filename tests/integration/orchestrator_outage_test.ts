/**
 * The interval holds while the orchestrator is away. The real agent (`wca -l debug`) measures a pod whose
 * cgroups are real, listed by a loopback kubelet; then for 30 s the kubelet accepts and never answers
 * (15 s) and trickles one byte a second (15 s), then answers again. The agent's own iteration lines show
 * it kept its 1 s interval (mean within 10 %, no gap near the node's 5 s timeout), measured the pod it
 * knew all along, warned once, said once that the kubelet works again, and never reported an overrun.
 */
import assert from "node:assert/strict";
import { startJsonServer } from "../helpers/json_server.ts";
import { pod, podList } from "../helpers/k8s_docs.ts";
import { withRealCgroups } from "../helpers/real_cgroups.ts";
import { Agent } from "../helpers/wca_agent.ts";

const UID = "0a7a9e55-1d2c-4b3a-9f8e-0123456789cd";
const CONTAINER = "0a7a".repeat(16);
const INTERVAL_S = 1;
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `2026-12-08 00:50:20,261` (local time, as the agent logs) in epoch milliseconds. */
function logTime(line: string): number {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d),(\d{3}) /.exec(line)!;
  const [y, mo, d, h, mi, s, ms] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return new Date(y, mo - 1, d, h, mi, s, ms).getTime();
}

Deno.test("wca keeps its interval and the pods it knows through a 30 s kubelet outage (hung, then trickling)", async () => {
  await withRealCgroups(["cpu", "cpuacct", "memory"], 0, async (groups) => {
    const podPath = `${groups.parent}/kubepods/burstable/pod${UID}`;
    const containerPath = `${podPath}/${CONTAINER}`;
    const made = [`${groups.parent}/kubepods`, `${groups.parent}/kubepods/burstable`, podPath, containerPath];
    for (const path of made) for (const dir of groups.dirs(path)) Deno.mkdirSync(dir);
    const doc = podList([pod({
      uid: UID,
      name: "steady",
      qos: "Burstable",
      containers: [{ name: "app", id: `containerd://${CONTAINER}` }],
    })]);
    const kubelet = await startJsonServer({ kind: "json", body: doc });
    const dir = await Deno.makeTempDir({ prefix: "wca-outage-" });
    let agent: Agent | undefined;
    let worker: Deno.ChildProcess | undefined;
    try {
      worker = groups.spawnIn(containerPath, ["sleep", "600"]);
      const metrics = `${dir}/metrics.prom`;
      const config = `${dir}/wca.yaml`;
      Deno.writeTextFileSync(
        config,
        [
          "runner: !MeasurementRunner",
          `  interval: ${INTERVAL_S}`,
          "  node: !KubernetesNode",
          "    kubelet_enabled: true",
          `    kubelet_endpoint: ${kubelet.url}`,
          "    cgroup_driver: cgroupfs",
          `    cgroup_root: ${groups.parent}`,
          "  metrics_storage: !LogStorage",
          `    output_filename: ${metrics}`,
          "    overwrite: true",
          "",
        ].join("\n"),
        { mode: 0o600 },
      );
      agent = new Agent(["-c", config, "-l", "debug"]);
      const text = () => {
        try {
          return Deno.readTextFileSync(metrics);
        } catch {
          return "";
        }
      };
      const podMeasured = () => /^task_cpu_usage_seconds\{.*task_name="default\/steady"/m.test(text());
      await agent.until("the pod measured", podMeasured);
      const outageStart = Date.now();
      kubelet.behaviour = { kind: "hang" };
      await delay(15_000);
      assert.ok(podMeasured(), "the pod is still measured while the kubelet hangs");
      kubelet.behaviour = { kind: "trickle", body: doc };
      await delay(15_000);
      assert.ok(podMeasured(), "the pod is still measured while the kubelet trickles");
      const outageEnd = Date.now();
      kubelet.behaviour = { kind: "json", body: doc };
      await agent.until("the recovery line", () => /works again/.test(agent!.stderr), 15_000);
      const status = await agent.stop("SIGTERM");
      assert.equal(status.code, 0, agent.stderr);

      const lines = agent.stderr.split("\n");
      const iterations = lines.filter((l) => /\[wca\.runners\.measurement\] iteration: /.test(l))
        .map((l) => ({ at: logTime(l), line: l }))
        .filter(({ at }) => at >= outageStart && at <= outageEnd);
      assert.ok(iterations.length >= 25, `iterations during the outage: ${iterations.length}`);
      const gaps = iterations.slice(1).map((it, i) => it.at - iterations[i]!.at);
      const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
      console.log(
        `interval during a 30 s outage: mean ${mean.toFixed(1)} ms over ${gaps.length} gaps, ` +
          `min ${Math.min(...gaps)} ms, max ${Math.max(...gaps)} ms`,
      );
      assert.ok(Math.abs(mean - INTERVAL_S * 1000) <= INTERVAL_S * 100, `mean interval ${mean} ms`);
      // No gap near the node's 5 s timeout (the iteration that asks waits up to a quarter interval).
      assert.ok(Math.max(...gaps) < INTERVAL_S * 2000, `longest gap ${Math.max(...gaps)} ms`);
      assert.ok(iterations.every((it) => /iteration: 1 task,/.test(it.line)), "the known pod was measured");

      const warnings = lines.filter((l) => / WARNING /.test(l));
      const outage = warnings.filter((l) => /KubernetesNode .*no complete answer within 5 s/.test(l));
      assert.equal(outage.length, 1, agent.stderr);
      assert.match(outage[0]!, /iterations measure the tasks it listed last/);
      assert.equal(warnings.filter((l) => /took longer than/.test(l)).length, 0, agent.stderr);
      const recovery = lines.filter((l) => /KubernetesNode .*works again after/.test(l));
      assert.equal(recovery.length, 1, agent.stderr);
      console.log(`${outage[0]}\n${recovery[0]}`);
      assert.doesNotMatch(agent.stderr, / (ERROR|CRITICAL) /);
    } finally {
      await agent?.dispose();
      if (worker) await groups.kill(worker);
      for (const path of made.reverse()) groups.remove(path);
      await kubelet.close();
      await Deno.remove(dir, { recursive: true });
    }
  });
});
