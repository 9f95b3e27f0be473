/**
 * MesosNode against a real local operator-API server (HTTP and HTTPS with a CA made in the test), with
 * executors that are real processes in real cgroups of this machine: the task's cgroup comes from
 * /proc/<executor_pid>/cgroup.
 */
import assert from "node:assert/strict";
import { SSL } from "../../../src/components/ssl.ts";
import { MesosNode } from "../../../src/nodes/mesos/node.ts";
import { parseProcCgroup } from "../../../src/nodes/mesos/proc_cgroup.ts";
import { CgroupTree } from "../../../src/nodes/cgroup_tree.ts";
import { defaultHostPaths } from "../../../src/platform/host_paths.ts";
import { refusedPort, startJsonServer } from "../../helpers/json_server.ts";
import { getState } from "../../helpers/k8s_docs.ts";
import { captureLogLines } from "../../helpers/log_capture.ts";
import { withRealCgroups } from "../../helpers/real_cgroups.ts";
import { makeTestPki } from "../../helpers/tls.ts";
import { assertNodeContract } from "../contract.ts";

function mesosNode(params: Record<string, unknown>): MesosNode {
  return new MesosNode(MesosNode.schema.parse(params), { hostPaths: defaultHostPaths() });
}

Deno.test("parseProcCgroup: the measured hierarchy's line, v1 (split or co-mounted) and v2", () => {
  const hybrid = "12:cpu,cpuacct:/mesos/abc\n11:memory:/mesos/abc\n1:name=systemd:/x\n0::/mesos/abc-v2\n";
  assert.equal(parseProcCgroup(hybrid, { version: 1, controllers: ["cpuacct"] }), "/mesos/abc");
  assert.equal(parseProcCgroup(hybrid, { version: 1, controllers: ["cpu", "cpuacct"] }), "/mesos/abc");
  assert.equal(parseProcCgroup(hybrid, { version: 2, controllers: [] }), "/mesos/abc-v2");
  assert.equal(parseProcCgroup("3:cpuacct:/a\n", { version: 1, controllers: ["memory"] }), undefined);
  assert.equal(parseProcCgroup("garbage\n\n", { version: 2, controllers: [] }), undefined);
});

Deno.test("MesosNode: running tasks with their executors' real cgroups, labels and resources", async () => {
  await withRealCgroups(["cpuacct", "memory"], 2, async (groups) => {
    const web = groups.spawnIn(groups.paths[0]!);
    const db = groups.spawnIn(groups.paths[1]!);
    const state = getState([
      {
        name: "web",
        taskId: "web-1",
        executorPid: web.pid,
        labels: {
          "org.apache.aurora.tier": "prod",
          "org.apache.aurora.metadata.app_name": "shop",
        },
      },
      { name: "db", taskId: "db-1", executorPid: db.pid, scalars: { cpus: 2, mem: 1024 } },
      { name: "staging", taskId: "st-1", executorPid: web.pid, state: "TASK_STAGING" },
    ]);
    const server = await startJsonServer({ kind: "json", body: state });
    const node = mesosNode({ mesos_agent_endpoint: server.url });
    try {
      const tasks = await node.getTasks();
      assert.deepEqual(
        tasks.map((t) => [t.name, t.task_id, t.cgroup_path]),
        [["web", "web-1", groups.paths[0]], ["db", "db-1", groups.paths[1]]],
      );
      assert.deepEqual(
        tasks[0]!.labels,
        { aurora_tier: "prod", app_name: "shop" },
        "Aurora metadata as WCA names it",
      );
      assert.deepEqual(tasks[1]!.resources, { cpus: 2, mem: 1024 * 2 ** 20 });
      assert.deepEqual(server.requests.map((r) => [r.method, r.url, r.body]), [
        ["POST", "/api/v1", '{"type":"GET_STATE"}'],
      ]);
      await assertNodeContract(node, 2);
      // The executor exits: the task is simply absent, without a warning.
      await groups.kill(db);
      const { result, lines } = await captureLogLines(() => node.getTasks());
      assert.deepEqual(result.map((t) => t.task_id), ["web-1"]);
      assert.equal(lines.filter((l) => l.includes("WARNING")).length, 0, lines.join("\n"));
    } finally {
      node.close();
      await server.close();
    }
  });
});

Deno.test("MesosNode: an executor in the root cgroup is skipped with one warning (cgroups/cpu isolator off)", async () => {
  // A process of ours moved into the root of the measured hierarchy, as an executor without the isolator.
  const root = CgroupTree.fromHost(defaultHostPaths()).mount.mountPoint;
  const child = new Deno.Command("sh", {
    args: ["-c", 'echo $$ > "$1/cgroup.procs" && exec sleep 60', "sh", root],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const deadline = Date.now() + 5000;
  while (!Deno.readTextFileSync(`${root}/cgroup.procs`).split("\n").includes(String(child.pid))) {
    if (Date.now() > deadline) throw new Error("the process did not reach the root cgroup");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const server = await startJsonServer({
    kind: "json",
    body: getState([{ name: "x", taskId: "x-1", executorPid: child.pid }]),
  });
  const node = mesosNode({ mesos_agent_endpoint: server.url });
  try {
    const { result, lines } = await captureLogLines(
      async () => [await node.getTasks(), await node.getTasks()],
    );
    assert.deepEqual(result, [[], []]);
    assert.equal(lines.filter((l) => /no cgroup of its own/.test(l)).length, 1, lines.join("\n"));
  } finally {
    node.close();
    await server.close();
    child.kill("SIGKILL");
    await child.status;
  }
});

Deno.test("MesosNode over HTTPS with !SSL; faults reported once per outage", async () => {
  const pki = await makeTestPki();
  const server = await startJsonServer({ kind: "json", body: getState([]) }, { pki });
  const node = mesosNode({
    mesos_agent_endpoint: server.url,
    ssl: new SSL({ server_verify: pki.caPath }),
    timeout: 0.5,
  });
  try {
    assert.deepEqual(await node.getTasks(), []);
    for (
      const behaviour of [{ kind: "hang" }, { kind: "status", status: 503 }, {
        kind: "json",
        body: { type: "GET_HEALTH" },
      }] as const
    ) {
      server.behaviour = behaviour;
      const { lines } = await captureLogLines(async () => {
        for (let i = 0; i < 3; i++) await assert.rejects(node.getTasks(), { name: "TasksUnavailableError" });
      });
      assert.equal(lines.filter((l) => l.includes("WARNING")).length, 1, lines.join("\n"));
      server.behaviour = { kind: "json", body: getState([]) };
      const recovered = await captureLogLines(() => node.getTasks());
      assert.equal(recovered.lines.filter((l) => /works again/.test(l)).length, 1);
    }
  } finally {
    node.close();
    await server.close();
    await pki.remove();
  }
});

Deno.test("MesosNode: connection refused; ssl and the older ssl_verify are not given together", async () => {
  const node = mesosNode({ mesos_agent_endpoint: `http://127.0.0.1:${refusedPort()}` });
  try {
    await assert.rejects(node.getTasks(), /connection refused/);
  } finally {
    node.close();
  }
  assert.throws(
    () => mesosNode({ ssl: new SSL({}), ssl_verify: true }),
    /either ssl .* or the older ssl_verify, not both/,
  );
});
