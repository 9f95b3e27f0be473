import assert from "node:assert/strict";
import type { Task } from "../../../src/components/interfaces.ts";
import {
  defaultLabelGenerators,
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
