import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { CgroupNode } from "../../src/nodes/cgroup_node.ts";
import { defaultHostPaths, hostPathsUnder } from "../../src/platform/host_paths.ts";
import { nodeContract } from "./contract.ts";
import { withRealCgroups } from "../helpers/real_cgroups.ts";

const HOSTS = fileURLToPath(new URL("../fixtures/hosts/", import.meta.url));

function cgroupNode(scenario: string | undefined, params: Record<string, unknown>): CgroupNode {
  const hostPaths = scenario ? hostPathsUnder(`${HOSTS}${scenario}`) : defaultHostPaths();
  return new CgroupNode(CgroupNode.schema.parse(params), { hostPaths });
}

nodeContract("CgroupNode on v1_comounted", () => cgroupNode("v1_comounted", { parents: ["/docker"] }));
nodeContract(
  "CgroupNode on v2_unified",
  () => cgroupNode("v2_unified", { parents: ["/"], require_pids: false }),
);

Deno.test("CgroupNode: depth, include/exclude and require_pids select the task cgroups", async () => {
  const deep = cgroupNode("v2_unified", { parents: ["/kubepods.slice"], depth: 2, require_pids: false });
  assert.deepEqual((await deep.getTasks()).map((t) => t.task_id), [
    "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0f1e2d3c.slice",
  ]);
  const split = async (params: Record<string, unknown>) =>
    (await cgroupNode("v1_split", { parents: ["/"], require_pids: false, ...params }).getTasks()).map((t) =>
      t.name
    );
  assert.deepEqual(await split({}), ["/task1", "/task2"]);
  assert.deepEqual(await split({ include: "1$" }), ["/task1"]);
  assert.deepEqual(await split({ exclude: "1$" }), ["/task2"]);
  assert.deepEqual(await cgroupNode("v1_split", { parents: ["/missing"] }).getTasks(), []);
});

Deno.test("CgroupNode: an invalid regular expression is a config error", () => {
  const result = CgroupNode.schema.safeParse({ include: "(" });
  assert.equal(result.success, false);
  assert.equal(result.error?.issues[0]?.message, "expected a regular expression");
});

Deno.test("CgroupNode on this machine: finds real cgroups with processes, and loses them when removed", async () => {
  await withRealCgroups(["cpuacct", "cpu", "memory"], 2, async (group) => {
    const node = cgroupNode(undefined, { parents: [group.parent] });
    assert.deepEqual((await node.getTasks()).map((t) => t.name), [], "no processes yet");
    const child = group.spawnIn(group.paths[0]!);
    try {
      assert.deepEqual((await node.getTasks()).map((t) => t.name), [group.paths[0]]);
    } finally {
      await group.kill(child);
    }
    group.remove(group.paths[0]!);
    assert.deepEqual(await node.getTasks(), []);
  });
});
