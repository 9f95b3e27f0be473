/**
 * Answers far larger than a node's: a kubelet PodList and a Mesos GET_STATE of 300,000 items (about
 * 900 KB, the size of the finding) are read item by item (no argument spreading, no recursion): the one
 * real pod or task among them is listed, the malformed ones are one warning.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { KubernetesNode } from "../../src/nodes/kubernetes/node.ts";
import { MesosNode } from "../../src/nodes/mesos/node.ts";
import { defaultHostPaths, hostPathsUnder } from "../../src/platform/host_paths.ts";
import { startJsonServer } from "../helpers/json_server.ts";
import { getState, pod, podList } from "../helpers/k8s_docs.ts";
import { captureLogLines } from "../helpers/log_capture.ts";

const HOSTS = fileURLToPath(new URL("../fixtures/hosts/", import.meta.url));
const COUNT = 300_000;
const empties = () => Array.from({ length: COUNT }, () => ({}));

Deno.test("KubernetesNode: a PodList of 300,000 items is read; its one real pod is a task", async () => {
  // The burstable containerd pod of the kubelet_v1_cgroupfs fixture (see its README).
  const real = pod({
    uid: "22222222-0000-4000-8000-000000000022",
    name: "real",
    qos: "Burstable",
    containers: [
      { name: "app", id: `containerd://${"22c".repeat(21)}2` },
      { name: "sidecar", id: `containerd://${"22e".repeat(21)}2` },
    ],
  });
  const server = await startJsonServer({ kind: "json", body: podList([...empties(), real]) });
  const node = new KubernetesNode(
    KubernetesNode.schema.parse({ kubelet_enabled: true, kubelet_endpoint: server.url, timeout: 30 }),
    { hostPaths: hostPathsUnder(`${HOSTS}kubelet_v1_cgroupfs`) },
  );
  try {
    const { result, lines } = await captureLogLines(() => node.getTasks());
    assert.deepEqual(result.map((t) => t.name), ["default/real"]);
    const warnings = lines.filter((l) => l.includes(" WARNING "));
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0]!, /skipped a pod without metadata\.uid, name or namespace/);
  } finally {
    node.close();
    await server.close();
  }
});

Deno.test("MesosNode: a GET_STATE of 300,000 launched tasks is read", async () => {
  const state = getState([{ name: "gone", taskId: "gone-1", executorPid: 2 ** 22 + 1 }]);
  const tasks = (state.get_state as { get_tasks: { launched_tasks: unknown[] } }).get_tasks;
  tasks.launched_tasks = [...empties(), ...tasks.launched_tasks];
  const server = await startJsonServer({ kind: "json", body: state });
  const node = new MesosNode(
    MesosNode.schema.parse({ mesos_agent_endpoint: server.url, timeout: 30 }),
    { hostPaths: defaultHostPaths() },
  );
  try {
    const { result, lines } = await captureLogLines(() => node.getTasks());
    // The one well-formed task's executor does not exist (a pid above pid_max): quietly absent.
    assert.deepEqual(result, []);
    const warnings = lines.filter((l) => l.includes(" WARNING "));
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0]!, /skipped a launched task without name or task_id/);
  } finally {
    node.close();
    await server.close();
  }
});
