import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { buildRunner, parseConfigText } from "../../src/config/mod.ts";
import { StaticNode } from "../../src/nodes/static_node.ts";
import { defaultHostPaths, hostPathsUnder } from "../../src/platform/host_paths.ts";
import { captureLogLines } from "../helpers/log_capture.ts";
import { withRealCgroups } from "../helpers/real_cgroups.ts";
import { nodeContract } from "./contract.ts";
import { Registry } from "../../src/components/mod.ts";
import { BUILTIN_COMPONENTS } from "../../src/builtins.ts";

const HOSTS = fileURLToPath(new URL("../fixtures/hosts/", import.meta.url));
const context = (scenario: string) => ({ hostPaths: hostPathsUnder(`${HOSTS}${scenario}`) });

function staticNode(scenario: string, params: Record<string, unknown>): StaticNode {
  return new StaticNode(StaticNode.schema.parse(params), context(scenario));
}

for (const scenario of ["v1_split", "v1_comounted", "v2_unified", "hybrid"]) {
  nodeContract(`StaticNode on ${scenario}`, () => staticNode(scenario, { tasks: ["task1"] }));
}

Deno.test("StaticNode: labels, resources and cgroup paths as configured; label names sanitized", () => {
  const node = staticNode("v1_split", {
    tasks: ["task1", "task2"],
    default_labels: { env: "prod", "app.kubernetes.io/name": "web" },
    tasks_labels: { task1: { env: "canary" } },
    default_resources: { cpus: 2, mem: "1G" },
  });
  const [task1, task2] = node.getTasks();
  assert.deepEqual(task1, {
    name: "task1",
    task_id: "task1",
    cgroup_path: "/task1",
    subcgroups_paths: [],
    labels: { env: "canary", app_kubernetes_io_name: "web" },
    resources: { cpus: 2, mem: "1G" },
  });
  assert.equal(task2?.labels.env, "prod");
});

Deno.test("StaticNode: a missing cgroup is skipped with one warning, not one per iteration", () => {
  const node = staticNode("v1_split", { tasks: ["task1", "nosuchtask"] });
  assert.deepEqual(node.getTasks().map((t) => t.name), ["task1"]);
  assert.deepEqual(node.getTasks().map((t) => t.name), ["task1"]);
});

Deno.test("StaticNode on this machine: require_pids skips real cgroups without processes", async () => {
  await withRealCgroups(["cpuacct", "memory"], 2, (groups) => {
    const tasks = groups.paths.map((p) => p.slice(1));
    const node = (require_pids: boolean) =>
      new StaticNode(StaticNode.schema.parse({ tasks, require_pids }), { hostPaths: defaultHostPaths() });
    groups.spawnIn(groups.paths[1]!);
    assert.deepEqual(node(false).getTasks().map((t) => t.cgroup_path), groups.paths);
    assert.deepEqual(node(true).getTasks().map((t) => t.cgroup_path), [groups.paths[1]]);
  });
});

Deno.test("StaticNode: directory prefixes task names", () => {
  const nested = staticNode("v1_comounted", { tasks: ["3f1c9a7e5b2d"], directory: "/docker" }).getTasks();
  assert.equal(nested[0]?.cgroup_path, "/docker/3f1c9a7e5b2d");
});

Deno.test("StaticNode: parameters are validated from YAML", () => {
  const registry = new Registry(BUILTIN_COMPONENTS);
  const bad = "runner: !FilterStorage\n  storages: []\n  filter: !StaticNode {tasks: [../etc]}\n";
  assert.throws(() => buildRunner(parseConfigText("s.yaml", bad), { components: registry }), {
    message:
      `s.yaml:3:32: Invalid value "../etc" for field 'tasks[0]' in !StaticNode: expected a cgroup path without '.' or '..' segments`,
  });
});

Deno.test("StaticNode on this machine: a relative directory is under the cgroup root; the start line counts the tasks found", async () => {
  await withRealCgroups(["cpuacct", "memory"], 2, async (groups) => {
    const directory = groups.parent.slice(1); // "wca-test-…", no leading slash
    const node = new StaticNode(StaticNode.schema.parse({ tasks: ["t0", "gone"], directory }), {
      hostPaths: defaultHostPaths(),
    });
    const { result, lines } = await captureLogLines(() => Promise.resolve(node.getTasks()));
    assert.deepEqual(result.map((t) => [t.task_id, t.cgroup_path]), [["t0", `${groups.parent}/t0`]]);
    const cpuacct = groups.dirs(groups.parent)[0]!;
    assert.ok(
      lines.some((l) => l.includes(`StaticNode: 1 of 2 listed task(s) found under ${cpuacct}`)),
      lines.join("\n"),
    );
  });
});

Deno.test("StaticNode on this machine: tasks [] with a directory takes its child cgroups as tasks, every iteration", async () => {
  await withRealCgroups(["cpuacct", "memory"], 2, async (groups) => {
    const node = new StaticNode(
      StaticNode.schema.parse({ tasks: [], directory: groups.parent.slice(1), default_labels: { env: "t" } }),
      { hostPaths: defaultHostPaths() },
    );
    const { result, lines } = await captureLogLines(() => Promise.resolve(node.getTasks()));
    assert.deepEqual(result.map((t) => [t.task_id, t.cgroup_path, t.labels.env]), [
      ["t0", `${groups.parent}/t0`, "t"],
      ["t1", `${groups.parent}/t1`, "t"],
    ]);
    const cpuacct = groups.dirs(groups.parent)[0]!;
    assert.ok(
      lines.some((l) => l.includes(`StaticNode: 2 task(s): the child cgroups of ${cpuacct}`)),
      lines.join("\n"),
    );
    groups.remove(groups.paths[1]!);
    const later = await captureLogLines(() => Promise.resolve(node.getTasks()));
    assert.deepEqual(later.result.map((t) => t.task_id), ["t0"], "a removed cgroup is simply gone");
    assert.deepEqual(later.lines, [], "quietly, and the count is said once, at start");
  });
});

Deno.test("StaticNode: tasks [] without a directory says at start that there are no tasks", async () => {
  const node = staticNode("v1_split", { tasks: [] });
  const { result, lines } = await captureLogLines(() => Promise.resolve(node.getTasks()));
  assert.deepEqual(result, []);
  assert.ok(
    lines.some((l) => l.includes("StaticNode: no tasks (tasks: []); list them, or give a directory")),
  );
});

Deno.test("StaticNode: a directory that does not exist gives no tasks, with one warning", async () => {
  const node = staticNode("v1_split", { tasks: [], directory: "nosuchdir" });
  const { lines } = await captureLogLines(() => {
    for (let i = 0; i < 3; i++) assert.deepEqual(node.getTasks(), []);
    return Promise.resolve();
  });
  assert.equal(lines.filter((l) => l.includes("WARNING")).length, 1, lines.join("\n"));
  assert.match(lines.join("\n"), /directory .*\/nosuchdir does not exist; no tasks/);
});
