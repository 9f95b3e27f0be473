/**
 * Container names and labels from the Docker Engine API: the pure parts table-tested, then CgroupNode
 * against the real dockerd (a real container with labels), and with no socket (names stay cgroup paths).
 */
import { withPerfBindingLock } from "../helpers/perf_cgroup.ts";
import assert from "node:assert/strict";
import { ensureBaseImage } from "../../.ci/images.ts";
import type { Task } from "../../src/components/interfaces.ts";
import { CgroupNode } from "../../src/nodes/cgroup_node.ts";
import { containerIdOf, containerLabels, parseContainerInspect } from "../../src/nodes/docker_containers.ts";
import { defaultHostPaths } from "../../src/platform/host_paths.ts";
import { docker, dockerOk, ensureDockerd } from "../helpers/docker.ts";

const ID = "3f2a".padEnd(64, "0");

Deno.test("containerIdOf: the cgroupfs and systemd drivers' container cgroups, nothing else", () => {
  const table: Array<[string, string | undefined]> = [
    [`/docker/${ID}`, ID],
    [`/system.slice/docker-${ID}.scope`, ID],
    [`/kubepods/burstable/pod1/${ID}`, ID],
    ["/docker", undefined],
    ["/system.slice/ssh.service", undefined],
    [`/docker/${ID.slice(1)}`, undefined], // 63 digits
    [`/docker/${ID.toUpperCase()}`, undefined],
    [`/system.slice/docker-${ID}.scope/init`, undefined],
  ];
  for (const [path, expected] of table) assert.equal(containerIdOf(path), expected, path);
});

Deno.test("parseContainerInspect and containerLabels: name without '/', labels sanitised, ours win", () => {
  const info = parseContainerInspect({
    Id: ID,
    Name: "/web-1",
    Config: {
      Image: "nginx:1.25",
      Labels: { "com.example.team": "perf", "9lives": "x", image: "fake", n: 3 },
    },
  });
  assert.deepEqual(info, {
    id: ID,
    name: "web-1",
    image: "nginx:1.25",
    labels: { "com.example.team": "perf", "9lives": "x", image: "fake" },
  });
  assert.deepEqual(containerLabels(info), {
    com_example_team: "perf",
    _9lives: "x",
    image: "nginx:1.25",
    container_id: ID,
    container_name: "web-1",
  });
  assert.deepEqual(parseContainerInspect({ Id: ID, Name: "/x", Config: { Labels: null } }).labels, {});
  assert.throws(() => parseContainerInspect({ message: "No such container" }), /no container Id and Name/);
  assert.throws(() => parseContainerInspect(null), /no container Id and Name/);
});

function node(params: Record<string, unknown>): CgroupNode {
  return new CgroupNode(CgroupNode.schema.parse({ parents: ["/docker"], ...params }), {
    hostPaths: defaultHostPaths(),
  });
}

Deno.test("CgroupNode on the real dockerd: a container's task is named after it, with its id, image and labels; no socket, no names", async () => {
  await ensureDockerd();
  await ensureBaseImage(() => {});
  // runc puts the container into every mounted v1 hierarchy, perf_event too: not while a perf test needs
  // to unmount it.
  await withPerfBindingLock(namedContainer);
});

async function namedContainer() {
  const image = "wca-debian:12";
  const name = `wca-test-names-${Deno.pid}-${crypto.randomUUID().slice(0, 6)}`;
  const id = await dockerOk(
    "run",
    "-d",
    "--name",
    name,
    "--label",
    "com.example.team=perf",
    "--label",
    "tier=batch",
    image,
    "sleep",
    "600",
  );
  const named = node({});
  const unnamed = node({ docker_socket: "/nonexistent/docker.sock" });
  try {
    const find = (tasks: readonly Task[]) => tasks.find((task) => task.task_id === `/docker/${id}`);
    const task = find(await named.getTasks());
    assert.ok(task, `the container's cgroup /docker/${id} is a task`);
    assert.equal(task.name, name);
    assert.equal(task.cgroup_path, `/docker/${id}`);
    assert.deepEqual(task.labels, {
      com_example_team: "perf",
      tier: "batch",
      container_id: id,
      container_name: name,
      image,
    });
    // Asked once: the cached answer holds even after the container is renamed.
    await dockerOk("rename", name, `${name}-renamed`);
    assert.equal(find(await named.getTasks())?.name, name);

    const plain = find(await unnamed.getTasks());
    assert.ok(plain);
    assert.equal(plain.name, `/docker/${id}`);
    assert.deepEqual(plain.labels, {});
  } finally {
    named.close();
    unnamed.close();
    const removed = await docker("rm", "-f", id);
    assert.equal(removed.code, 0, removed.err);
  }
}
