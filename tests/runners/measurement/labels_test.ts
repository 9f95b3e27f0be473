import assert from "node:assert/strict";
import type { Task } from "../../../src/components/interfaces.ts";
import {
  defaultLabelGenerators,
  TaskLabelCache,
  TaskLabelRegexGenerator,
  taskLabels,
} from "../../../src/runners/measurement/labels.ts";

const task: Task = {
  name: "web-frontend--v2.1",
  task_id: "id-7",
  cgroup_path: "/web",
  subcgroups_paths: [],
  labels: { env: "prod", team: "infra" },
  resources: {},
};

function generate(pattern: string, repl: string, source = "task_name"): string | undefined {
  return new TaskLabelRegexGenerator(TaskLabelRegexGenerator.schema.parse({ pattern, repl, source }))
    .generate(task);
}

Deno.test("regex generator: Python \\1 and JavaScript $1 groups, every match replaced, sources", () => {
  assert.equal(generate("^(.*)--v(.*)$", "\\1"), "web-frontend");
  assert.equal(generate("^(.*)--v(.*)$", "$2"), "2.1");
  assert.equal(generate("-", "_"), "web_frontend__v2.1");
  assert.equal(generate("^", "env="), "env=web-frontend--v2.1");
  assert.equal(generate("$", "", "env"), "prod");
  assert.equal(generate("\\d", "N", "task_id"), "id-N");
  assert.equal(generate("x", "y", "no_such_label"), undefined);
  assert.equal(generate("a", "costs $5"), "web-frontend--v2.1".replace(/a/g, "costs $$5"));
});

Deno.test("default generators give WCA's application and application_version_name", () => {
  assert.deepEqual(taskLabels(task, { host: "h" }, defaultLabelGenerators()), {
    host: "h",
    env: "prod",
    team: "infra",
    application: "web-frontend--v2.1",
    application_version_name: "",
    task_id: "id-7",
    task_name: "web-frontend--v2.1",
  });
});

Deno.test("default application_version_name is empty for any cgroup name, control characters too", () => {
  for (const name of ["/rvpar/evil\x1b[31mRED\rFAKE", "a\u2028b", "", "/docker/4f1c"]) {
    const labels = taskLabels({ ...task, name, task_id: name }, {}, defaultLabelGenerators());
    assert.equal(labels.application_version_name, "", JSON.stringify(name));
    assert.equal(labels.application, name, JSON.stringify(name));
  }
});

Deno.test("task_id and task_name cannot be overridden by node labels or generators", () => {
  const sneaky = { ...task, labels: { task_id: "forged" } };
  const labels = taskLabels(sneaky, {}, {
    task_name: new TaskLabelRegexGenerator({ pattern: ".*", repl: "forged", source: "task_name" }),
  });
  assert.equal(labels.task_id, "id-7");
  assert.equal(labels.task_name, "web-frontend--v2.1");
});

Deno.test("TaskLabelCache: the same frozen object while a task's labels stay; a new one when they change", () => {
  const cache = new TaskLabelCache();
  const generators = defaultLabelGenerators();
  const first = cache.labels(task, { host: "h" }, generators);
  assert.ok(Object.isFrozen(first));
  assert.deepEqual(first, taskLabels(task, { host: "h" }, generators));
  assert.equal(cache.labels({ ...task }, { host: "h" }, generators), first, "equal labels, new task object");
  const numa = cache.numaLabels(task.task_id, first, 1);
  assert.deepEqual(numa, { ...first, numa_node: "1" });
  assert.equal(cache.numaLabels(task.task_id, first, 1), numa);

  const relabelled = cache.labels(
    { ...task, labels: { env: "dev", team: "infra" } },
    { host: "h" },
    generators,
  );
  assert.notEqual(relabelled, first);
  assert.equal(relabelled.env, "dev");
  assert.equal(cache.numaLabels(task.task_id, relabelled, 1).env, "dev", "NUMA labels follow the change");
  assert.notEqual(cache.labels(task, { host: "other" }, generators), relabelled, "common labels count too");
});

Deno.test("TaskLabelCache: retain forgets tasks that are gone", () => {
  const cache = new TaskLabelCache();
  const generators = defaultLabelGenerators();
  const first = cache.labels(task, {}, generators);
  cache.retain(new Set(["another"]));
  const again = cache.labels(task, {}, generators);
  assert.notEqual(again, first);
  assert.deepEqual(again, first);
  cache.retain(new Set([task.task_id]));
  assert.equal(cache.labels(task, {}, generators), again);
});
