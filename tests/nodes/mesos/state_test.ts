import assert from "node:assert/strict";
import {
  launchedTasks,
  mesosLabelName,
  readLaunchedTask,
  scalarResources,
} from "../../../src/nodes/mesos/state.ts";
import { getState } from "../../helpers/k8s_docs.ts";

Deno.test("launchedTasks: the list, an empty agent, and malformed answers named", () => {
  assert.equal(launchedTasks(getState([{ name: "a", taskId: "a1", executorPid: 7 }])).length, 1);
  assert.deepEqual(launchedTasks({ type: "GET_STATE", get_state: { get_tasks: {} } }), []);
  const bad: Array<[unknown, RegExp]> = [
    [[], /not a JSON object/],
    [{ type: "GET_HEALTH", get_health: {} }, /no 'get_state' \(type "GET_HEALTH"\)/],
    [{ get_state: {} }, /get_state.get_tasks/],
    [{ get_state: { get_tasks: { launched_tasks: {} } } }, /not a list/],
  ];
  for (const [doc, message] of bad) assert.throws(() => launchedTasks(doc), message);
});

Deno.test("readLaunchedTask: running tasks with an executor pid; labels and resources as WCA", () => {
  const [item] = launchedTasks(getState([{
    name: "aurora/prod/web",
    taskId: "web-0-abc",
    executorPid: 4242,
    labels: { "org.apache.aurora.tier": "preemptible", "aurora.metadata.owner": "ops", "app.version": "2" },
    scalars: { cpus: 0.5, mem: 256, disk: 1024, gpus: 1 },
  }]));
  assert.deepEqual(readLaunchedTask(item), {
    kind: "ok",
    key: "web-0-abc",
    item: {
      name: "aurora/prod/web",
      taskId: "web-0-abc",
      executorPid: 4242,
      containerId: "container-web-0-abc",
      labels: { aurora_tier: "preemptible", owner: "ops", app_version: "2" },
      resources: { cpus: 0.5, mem: 256 * 2 ** 20, disk: 1024 * 2 ** 20, gpus: 1 },
    },
  });
});

Deno.test("readLaunchedTask: not running is ignored; no executor pid is a warning", () => {
  const [staging] = launchedTasks(
    getState([{ name: "a", taskId: "a1", executorPid: 7, state: "TASK_STAGING" }]),
  );
  assert.equal(readLaunchedTask(staging).kind, "ignored");
  const noPid = launchedTasks(getState([{ name: "b", taskId: "b1", executorPid: 0 }]))[0];
  const verdict = readLaunchedTask(noPid);
  assert.equal(verdict.kind, "invalid");
  assert.match((verdict as { reason: string }).reason, /no executor_pid/);
  assert.equal(readLaunchedTask({ statuses: [] }).kind, "invalid");
  assert.equal(readLaunchedTask("x").kind, "invalid");
});

Deno.test("mesosLabelName and scalarResources", () => {
  // WCA drops both prefixes in turn: Aurora metadata keeps only its own name.
  assert.equal(mesosLabelName("org.apache.aurora.metadata.app_name"), "app_name");
  assert.equal(mesosLabelName("org.apache.aurora.tier"), "aurora_tier");
  assert.equal(mesosLabelName("org.apache.mesos.x"), "mesos_x");
  assert.equal(mesosLabelName("aurora.metadata.team-name"), "team_name");
  assert.equal(mesosLabelName("9lives"), "_9lives");
  assert.deepEqual(
    scalarResources([
      { name: "cpus", type: "SCALAR", scalar: { value: 1 }, role: "a" },
      { name: "cpus", type: "SCALAR", scalar: { value: 0.5 }, role: "b" },
      { name: "ports", type: "RANGES", ranges: {} },
      { name: "mem", type: "SCALAR", scalar: { value: "x" } },
      "junk",
    ]),
    { cpus: 1.5 },
  );
});
