/**
 * End to end: a pod's cgroups made on this machine's real cgroup tree as a kubelet with the cgroupfs
 * driver and --cgroup-root=<a private test cgroup> lays them out (…/kubepods/burstable/pod<uid>/<id>), a
 * local HTTPS "kubelet" that wants our client certificate serves the PodList, and the real agent
 * (`wca --root -c …`) measures the pod: task_cpu_usage_seconds with the pod's labels. The kubelet starts
 * out failing (HTTP 500): the agent keeps storing platform metrics, warns once, and says once when the
 * kubelet answers again.
 */
import assert from "node:assert/strict";
import { startJsonServer } from "../helpers/json_server.ts";
import { pod, podList } from "../helpers/k8s_docs.ts";
import { withRealCgroups } from "../helpers/real_cgroups.ts";
import { makeTestPki } from "../helpers/tls.ts";
import { Agent } from "../helpers/wca_agent.ts";

const UID = "5e0c7a2b-9d41-4f3a-8b6e-0123456789ab";
const CONTAINER = "e2e0".repeat(16);

function metricLine(text: string, name: string, label: string): string | undefined {
  return text.split("\n").find((line) => line.startsWith(`${name}{`) && line.includes(label));
}

Deno.test("wca measures a pod whose cgroups are real, listed by a kubelet over HTTPS", async () => {
  await withRealCgroups(["cpu", "cpuacct", "memory"], 0, async (groups) => {
    const podPath = `${groups.parent}/kubepods/burstable/pod${UID}`;
    const containerPath = `${podPath}/${CONTAINER}`;
    const made = [`${groups.parent}/kubepods`, `${groups.parent}/kubepods/burstable`, podPath, containerPath];
    for (const path of made) for (const dir of groups.dirs(path)) Deno.mkdirSync(dir);
    const pki = await makeTestPki();
    const doc = podList([pod({
      uid: UID,
      name: "web",
      qos: "Burstable",
      labels: { "app.kubernetes.io/name": "web" },
      containers: [{ name: "app", id: `containerd://${CONTAINER}` }],
      resources: [{ requests: { cpu: "250m", memory: "64Mi" }, limits: { cpu: "1" } }],
    })]);
    const kubelet = await startJsonServer({ kind: "status", status: 500, body: "PLEG is not healthy" }, {
      pki,
      requireClientCert: true,
    });
    let agent: Agent | undefined;
    let worker: Deno.ChildProcess | undefined;
    try {
      // A process that burns a little CPU, then sleeps, in the container's cgroup.
      worker = groups.spawnIn(containerPath, [
        "sh",
        "-c",
        "i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; exec sleep 600",
      ]);
      const metrics = `${pki.dir}/metrics.prom`;
      const config = `${pki.dir}/wca.yaml`;
      Deno.writeTextFileSync(
        config,
        [
          "runner: !MeasurementRunner",
          "  interval: 0.3",
          "  node: !KubernetesNode",
          "    kubelet_enabled: true",
          `    kubelet_endpoint: ${kubelet.url}`,
          "    cgroup_driver: cgroupfs",
          `    cgroup_root: ${groups.parent}`,
          "    timeout: 1",
          "    ssl: !SSL",
          `      server_verify: ${pki.caPath}`,
          `      client_cert_path: ${pki.clientCertPath}`,
          `      client_key_path: ${pki.clientKeyPath}`,
          "  metrics_storage: !LogStorage",
          `    output_filename: ${metrics}`,
          "    overwrite: true",
          "",
        ].join("\n"),
        { mode: 0o600 },
      );
      agent = new Agent(["-c", config]);
      const text = () => {
        try {
          return Deno.readTextFileSync(metrics);
        } catch {
          return "";
        }
      };
      // The kubelet fails: platform metrics still flow, no task.
      await agent.until(
        "platform metrics during the kubelet's outage",
        () => text().includes("platform_cpu_usage{"),
      );
      assert.doesNotMatch(text(), /^task_/m);
      await agent.until("three failed attempts", () => kubelet.requests.length >= 3);
      kubelet.behaviour = { kind: "json", body: doc };
      await agent.until(
        "the pod's CPU usage",
        () =>
          Number(metricLine(text(), "task_cpu_usage_seconds", 'task_name="default/web"')?.split(" ")[1]) > 0,
      );
      const cpu = metricLine(text(), "task_cpu_usage_seconds", 'task_name="default/web"')!;
      assert.match(cpu, new RegExp(`task_id="${UID}"`));
      assert.match(cpu, /app_kubernetes_io__name="web"/);
      assert.match(cpu, /app_kubernetes_io__qos_class="burstable"/);
      assert.match(metricLine(text(), "task_requested_cpus", 'task_name="default/web"')!, / 0\.25$/);
      assert.match(metricLine(text(), "task_requested_mem_bytes", 'task_name="default/web"')!, / 67108864$/);
      assert.match(metricLine(text(), "task_subcontainers", 'task_name="default/web"')!, / 1$/);
      const status = await agent.stop("SIGTERM");
      assert.equal(status.code, 0, agent.stderr);
      const warnings = agent.stderr.split("\n").filter((l) =>
        l.includes("WARNING") && l.includes("HTTP 500")
      );
      assert.equal(warnings.length, 1, agent.stderr);
      assert.equal(agent.stderr.split("\n").filter((l) => /works again/.test(l)).length, 1, agent.stderr);
      assert.doesNotMatch(agent.stderr, /ERROR|CRITICAL/);
      assert.ok(kubelet.requests.every((r) => r.clientCertificate === "wca-agent"));
    } finally {
      await agent?.dispose();
      if (worker) await groups.kill(worker);
      for (const path of made.reverse()) groups.remove(path);
      await kubelet.close();
      await pki.remove();
    }
  });
});
