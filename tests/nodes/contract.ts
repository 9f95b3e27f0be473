/** The contract every Node implementation keeps; run against each with its own factory. */
import assert from "node:assert/strict";
import type { Node, Task } from "../../src/components/interfaces.ts";

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function nodeContract(name: string, factory: () => Node, expectAtLeast = 1): void {
  Deno.test(`${name} keeps the Node contract`, () => assertNodeContract(factory(), expectAtLeast));
}

/** The contract's checks on one node, for nodes that need a server around them. */
export async function assertNodeContract(node: Node, expectAtLeast = 1): Promise<void> {
  const first = await node.getTasks();
  assert.ok(Array.isArray(first));
  assert.ok(first.length >= expectAtLeast, `expected at least ${expectAtLeast} tasks, got ${first.length}`);
  const ids = new Set<string>();
  for (const task of first as Task[]) {
    assert.ok(task.name && task.task_id, "tasks have a name and an id");
    assert.ok(!ids.has(task.task_id), `task ids are unique: ${task.task_id}`);
    ids.add(task.task_id);
    assert.match(task.cgroup_path, /^\//, "cgroup paths are absolute");
    assert.ok(!task.cgroup_path.split("/").includes(".."));
    for (const label of Object.keys(task.labels)) assert.match(label, LABEL_NAME);
    assert.ok(Object.isFrozen(task), "tasks are immutable");
  }
  const second = await node.getTasks();
  assert.deepEqual(
    second.map((t) => t.task_id),
    first.map((t) => t.task_id),
    "stable while nothing changes",
  );
}
