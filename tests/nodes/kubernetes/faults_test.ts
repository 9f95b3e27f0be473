/**
 * Issue point 4 against a real local server: refused, hung past the timeout, HTTP 500, garbage,
 * truncated JSON, JSON that is not a PodList, a pod whose cgroup does not exist yet. Each is one warning
 * (not one per iteration) and a skipped iteration or pod; the next answer ends the outage with one line;
 * getTasks() never takes longer than `timeout`. A MeasurementRunner over the failing node still stores
 * the platform's metrics and logs no error.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { KubernetesNode } from "../../../src/nodes/kubernetes/node.ts";
import { isReported, TasksUnavailableError } from "../../../src/nodes/outage.ts";
import { hostPathsUnder } from "../../../src/platform/host_paths.ts";
import { MeasurementRunner } from "../../../src/runners/measurement/runner.ts";
import { type Behaviour, refusedPort, startJsonServer } from "../../helpers/json_server.ts";
import { pod, podList } from "../../helpers/k8s_docs.ts";
import { captureLogLines } from "../../helpers/log_capture.ts";
import { MemoryStorage } from "../../helpers/memory_storage.ts";

const HOSTS = fileURLToPath(new URL("../../fixtures/hosts/", import.meta.url));
const UID = "22222222-0000-4000-8000-000000000022";
const GOOD = podList([
  pod({
    uid: UID,
    name: "web",
    qos: "Burstable",
    containers: [
      { name: "app", id: `containerd://${"22c".repeat(21)}2` },
      { name: "sidecar", id: `containerd://${"22e".repeat(21)}2` },
    ],
  }),
]);
const TIMEOUT = 0.5;

function node(
  url: string,
  scenario = "kubelet_v1_cgroupfs",
  driver = "cgroupfs",
  root = `${HOSTS}${scenario}`,
): KubernetesNode {
  return new KubernetesNode(
    KubernetesNode.schema.parse({
      kubelet_enabled: true,
      kubelet_endpoint: url,
      timeout: TIMEOUT,
      cgroup_driver: driver,
    }),
    { hostPaths: hostPathsUnder(root) },
  );
}

/** Calls getTasks() `times` times; returns the log lines, the errors and the longest call in ms. */
async function iterations(n: KubernetesNode, times: number) {
  const errors: unknown[] = [];
  let longest = 0;
  const { lines } = await captureLogLines(async () => {
    for (let i = 0; i < times; i++) {
      const started = performance.now();
      try {
        await n.getTasks();
      } catch (error) {
        errors.push(error);
      }
      longest = Math.max(longest, performance.now() - started);
    }
  });
  return { lines, errors, longest };
}

const count = (lines: string[], level: string) => lines.filter((l) => l.includes(` ${level} `)).length;

const FAULTS: ReadonlyArray<[string, Behaviour, RegExp]> = [
  ["HTTP 500", { kind: "status", status: 500, body: "etcdserver: request timed out" }, /HTTP 500/],
  ["HTTP 401", { kind: "status", status: 401, body: "Unauthorized" }, /HTTP 401/],
  ["garbage", { kind: "garbage" }, /not JSON/],
  ["truncated JSON", { kind: "truncated", body: GOOD }, /closed|aborted|socket|reset/i],
  [
    "JSON that is not a PodList",
    { kind: "json", body: { kind: "Status", status: "Failure" } },
    /no 'items' list/,
  ],
  ["hung past the timeout", { kind: "hang" }, /no complete answer within 0.5 s/],
  ["body stalls past the timeout", { kind: "stall", body: GOOD }, /no complete answer within 0.5 s/],
];

Deno.test("KubernetesNode: each fault is one warning per outage, a skipped iteration, and one recovery line", async (t) => {
  const server = await startJsonServer({ kind: "json", body: GOOD });
  const n = node(server.url);
  try {
    assert.equal((await n.getTasks()).length, 1);
    for (const [name, behaviour, message] of FAULTS) {
      await t.step(name, async () => {
        server.behaviour = behaviour;
        const outage = await iterations(n, 3);
        assert.equal(outage.errors.length, 3, "every iteration in the outage is skipped");
        assert.ok(outage.errors.every((e) => e instanceof TasksUnavailableError && isReported(e)));
        assert.equal(count(outage.lines, "WARNING"), 1, outage.lines.join("\n"));
        assert.match(outage.lines.find((l) => l.includes("WARNING"))!, message);
        assert.ok(outage.longest < TIMEOUT * 1000 + 1500, `getTasks took ${outage.longest} ms`);
        server.behaviour = { kind: "json", body: GOOD };
        const recovery = await iterations(n, 2);
        assert.equal(recovery.errors.length, 0);
        assert.equal(
          recovery.lines.filter((l) => /works again after .* and 3 failed attempt/.test(l)).length,
          1,
        );
        assert.equal(count(recovery.lines, "WARNING"), 0);
      });
    }
  } finally {
    n.close();
    await server.close();
  }
});

Deno.test("KubernetesNode: connection refused is one warning and a skipped iteration", async () => {
  const n = node(`http://127.0.0.1:${refusedPort()}`);
  try {
    const outage = await iterations(n, 3);
    assert.equal(outage.errors.length, 3);
    assert.equal(count(outage.lines, "WARNING"), 1, outage.lines.join("\n"));
    assert.match(outage.lines.join("\n"), /connection refused/);
  } finally {
    n.close();
  }
});

Deno.test("KubernetesNode: a pod whose cgroup does not exist yet is skipped with one warning; a wrong driver gets a hint", async () => {
  const missing = podList([
    pod({
      uid: "77777777-0000-4000-8000-000000000077",
      name: "new",
      qos: "Burstable",
      containers: [{ name: "a", id: `docker://${"7".repeat(64)}` }],
    }),
  ]);
  const server = await startJsonServer({ kind: "json", body: missing });
  const fresh = node(server.url);
  // The systemd fixture read with cgroup_driver cgroupfs: the pods are there, under the other driver's names.
  const wrongDriver = node(server.url, "kubelet_v1_systemd", "cgroupfs");
  try {
    const first = await iterations(fresh, 3);
    assert.equal(first.errors.length, 0, "a missing cgroup skips the pod, not the iteration");
    assert.equal(count(first.lines, "WARNING"), 1, first.lines.join("\n"));
    assert.match(
      first.lines.join("\n"),
      /pod default\/new: no cgroup .*pod77777777-0000-4000-8000-000000000077; skipped until it appears/,
    );
    server.behaviour = { kind: "json", body: GOOD };
    const wrong = await iterations(wrongDriver, 2);
    assert.equal(count(wrong.lines, "WARNING"), 1, wrong.lines.join("\n"));
    assert.match(wrong.lines.join("\n"), /set cgroup_driver: systemd/);
  } finally {
    fresh.close();
    wrongDriver.close();
    await server.close();
  }
});

Deno.test("KubernetesNode: a pod is measured once its cgroups appear, and warned about again if they go", async () => {
  // A kubelet_v1_cgroupfs host of our own whose kubepods tree we change between iterations.
  const root = await Deno.makeTempDir({ prefix: "wca-k8s-host-" });
  const server = await startJsonServer({ kind: "json", body: GOOD });
  try {
    Deno.mkdirSync(`${root}/proc/self`, { recursive: true });
    Deno.copyFileSync(`${HOSTS}kubelet_v1_cgroupfs/proc/self/mountinfo`, `${root}/proc/self/mountinfo`);
    const pod = `${root}/sys/fs/cgroup/cpu,cpuacct/kubepods/burstable/pod${UID}`;
    Deno.mkdirSync(pod, { recursive: true });
    const n = node(server.url, "", "cgroupfs", root);
    try {
      const before = await iterations(n, 2);
      assert.equal(count(before.lines, "WARNING"), 1, before.lines.join("\n"));
      assert.match(before.lines.join("\n"), /no cgroup .*22c22c.*; skipped until it appears/);
      // The runtime creates the containers' cgroups: the next iteration measures the pod, quietly.
      for (const id of [`${"22c".repeat(21)}2`, `${"22e".repeat(21)}2`]) Deno.mkdirSync(`${pod}/${id}`);
      const after = await iterations(n, 2);
      assert.equal(count(after.lines, "WARNING"), 0, after.lines.join("\n"));
      assert.equal(after.errors.length, 0);
      assert.deepEqual((await n.getTasks()).map((t) => t.subcgroups_paths.length), [2]);
      // Gone again (the container restarts under a new id): a new warning, once.
      Deno.removeSync(`${pod}/${"22e".repeat(21)}2`);
      const gone = await iterations(n, 2);
      assert.equal(count(gone.lines, "WARNING"), 1, gone.lines.join("\n"));
    } finally {
      n.close();
    }
  } finally {
    await server.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("KubernetesNode (cgroupfs): a pod whose cgroup is named after its uid without dashes is found there", async () => {
  // Older kubelets named a static pod's cgroupfs cgroup after its uid without dashes (WCA looked for both).
  const root = await Deno.makeTempDir({ prefix: "wca-k8s-host-" });
  const server = await startJsonServer({ kind: "json", body: GOOD });
  try {
    Deno.mkdirSync(`${root}/proc/self`, { recursive: true });
    Deno.copyFileSync(`${HOSTS}kubelet_v1_cgroupfs/proc/self/mountinfo`, `${root}/proc/self/mountinfo`);
    const undashed = `/kubepods/burstable/pod${UID.replaceAll("-", "")}`;
    const ids = [`${"22c".repeat(21)}2`, `${"22e".repeat(21)}2`];
    for (const id of ids) {
      Deno.mkdirSync(`${root}/sys/fs/cgroup/cpu,cpuacct${undashed}/${id}`, { recursive: true });
    }
    const n = node(server.url, "", "cgroupfs", root);
    try {
      const { lines } = await iterations(n, 1);
      assert.equal(count(lines, "WARNING"), 0, lines.join("\n"));
      const tasks = await n.getTasks();
      assert.deepEqual(tasks.map((t) => [t.task_id, t.cgroup_path, t.subcgroups_paths]), [
        [UID, undashed, ids.map((id) => `${undashed}/${id}`)],
      ]);
      // Both present: the dashed one, as the kubelet names it today.
      Deno.mkdirSync(`${root}/sys/fs/cgroup/cpu,cpuacct/kubepods/burstable/pod${UID}/${ids[0]}`, {
        recursive: true,
      });
      Deno.mkdirSync(`${root}/sys/fs/cgroup/cpu,cpuacct/kubepods/burstable/pod${UID}/${ids[1]}`);
      assert.equal((await n.getTasks())[0]?.cgroup_path, `/kubepods/burstable/pod${UID}`);
    } finally {
      n.close();
    }
  } finally {
    await server.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("MeasurementRunner over a KubernetesNode that cannot answer: platform metrics stored, no error logged", async () => {
  const n = node(`http://127.0.0.1:${refusedPort()}`);
  const storage = new MemoryStorage();
  const runner = new MeasurementRunner(
    MeasurementRunner.schema.parse({ node: n, metrics_storage: storage, interval: 1 }),
    { hostPaths: hostPathsUnder(`${HOSTS}hybrid`) },
  );
  try {
    const { lines } = await captureLogLines(async () => {
      const facts = await runner.start();
      for (let i = 0; i < 3; i++) await runner.iterate(facts, runner.commonLabels());
    });
    assert.equal(storage.batches.length, 3);
    assert.ok(storage.latest().some((m) => m.name === "platform_cpu_usage"), "platform metrics flow");
    assert.ok(!storage.latest().some((m) => m.name.startsWith("task_")));
    assert.equal(count(lines, "ERROR"), 0, lines.join("\n"));
    assert.equal(lines.filter((l) => /connection refused/.test(l)).length, 1, lines.join("\n"));
  } finally {
    await runner.close();
    n.close();
  }
});
