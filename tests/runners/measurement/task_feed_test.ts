/**
 * TaskFeed: an iteration waits for the node at most a quarter of the interval; a slow answer is kept for
 * the next iteration, a hung call is not asked again while it runs, the last list is reused while it is
 * fresh and dropped (once, with a warning) when it is not; a slow streak is one warning and one recovery.
 */
import assert from "node:assert/strict";
import type { Node, Task } from "../../../src/components/interfaces.ts";
import { SLOW_ANSWER, TASK_LIST_MAX_AGE, TaskFeed } from "../../../src/runners/measurement/task_feed.ts";
import { RecordingLog } from "../../helpers/recording_log.ts";

const task = (id: string): Task =>
  Object.freeze({
    name: id,
    task_id: id,
    cgroup_path: `/${id}`,
    subcgroups_paths: [],
    labels: {},
    resources: {},
  });

/** A node whose every getTasks() call is settled by the test. */
class ScriptedNode implements Node {
  calls = 0;
  readonly #waiting: Array<{ resolve: (tasks: Task[]) => void; reject: (error: Error) => void }> = [];
  getTasks(): Promise<Task[]> {
    this.calls++;
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }
  answer(tasks: Task[]): void {
    this.#waiting.shift()!.resolve(tasks);
  }
  fail(error: Error): void {
    this.#waiting.shift()!.reject(error);
  }
  get pending(): number {
    return this.#waiting.length;
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("TaskFeed: an answer within a quarter of the interval is this iteration's", async () => {
  const node = new ScriptedNode();
  const feed = new TaskFeed({ node, interval: 0.4, log: new RecordingLog() });
  const fed = feed.tasks();
  await tick();
  node.answer([task("a")]);
  assert.deepEqual((await fed).tasks.map((t) => t.task_id), ["a"]);
});

Deno.test("TaskFeed: a hung node costs one wait, then iterations take the last list without waiting", async () => {
  const node = new ScriptedNode();
  const log = new RecordingLog();
  const feed = new TaskFeed({ node, interval: 0.4, log });
  const first = feed.tasks();
  await tick();
  node.answer([task("a"), task("b")]);
  await first;
  // The node stops answering: the iteration that asked waits 100 ms (a quarter of 0.4 s), no more.
  let started = performance.now();
  const during = await feed.tasks();
  const waited = performance.now() - started;
  assert.deepEqual(during.tasks.map((t) => t.task_id), ["a", "b"], "the last known tasks are measured");
  assert.ok(waited >= 90, `waited ${waited} ms`);
  // While that call runs the node is not asked again and the iteration does not wait.
  started = performance.now();
  for (let i = 0; i < 3; i++) assert.equal((await feed.tasks()).tasks.length, 2);
  assert.ok(performance.now() - started < 50, "no wait behind a call that is still running");
  assert.equal(node.calls, 2);
  // Its answer arrives late (but within SLOW_ANSWER): no warning; it is measured from the next iteration on.
  node.answer([task("c")]);
  await tick();
  assert.deepEqual((await feed.tasks()).tasks.map((t) => t.task_id), ["c"]);
  node.answer([task("c")]);
  await tick();
  assert.equal(log.warnings.length, 0, log.warnings.join("\n"));
});

Deno.test("TaskFeed: a failing node's last list is reused while fresh, then dropped with one warning", async () => {
  let clock = 0;
  const node = new ScriptedNode();
  const log = new RecordingLog();
  const feed = new TaskFeed({ node, interval: 1, log, now: () => clock });
  const first = feed.tasks();
  await tick();
  node.answer([task("a")]);
  await first;
  const failing = async () => {
    const fed = feed.tasks();
    await tick();
    node.fail(Object.assign(new Error("kubelet down"), { reported: true }));
    return await fed;
  };
  clock += TASK_LIST_MAX_AGE * 1000 - 1;
  const fresh = await failing();
  assert.deepEqual(fresh.tasks.map((t) => t.task_id), ["a"]);
  assert.ok(fresh.ageSeconds > 59);
  clock += 2;
  assert.equal((await failing()).tasks.length, 0, "older than the limit: not measured");
  assert.equal((await failing()).tasks.length, 0);
  assert.equal(log.warnings.length, 1, log.warnings.join("\n"));
  assert.match(
    log.warnings[0]!,
    /60\.0 s old, older than the 60 s it may be reused: measuring the platform only/,
  );
  assert.equal(log.errors.length, 0, "a node that reported its outage is not logged again");
  const back = feed.tasks();
  await tick();
  node.answer([task("b")]);
  assert.deepEqual((await back).tasks.map((t) => t.task_id), ["b"]);
  assert.match(log.infos.join("\n"), /answered: measuring its 1 task\(s\) again/);
});

Deno.test("TaskFeed: a plain exception from a plugin node is one error per streak and one recovery line", async () => {
  const node = new ScriptedNode();
  const log = new RecordingLog();
  const feed = new TaskFeed({ node, interval: 0.4, log });
  for (let i = 0; i < 4; i++) {
    const fed = feed.tasks();
    await tick();
    node.fail(new Error("plugin bug"));
    assert.equal((await fed).tasks.length, 0);
  }
  const fed = feed.tasks();
  await tick();
  node.answer([]);
  await fed;
  assert.equal(log.errors.length, 1, log.errors.join("\n"));
  assert.match(log.errors[0]!, /the node could not list tasks: plugin bug; measuring the platform only/);
  assert.match(log.infos.join("\n"), /ScriptedNode\.getTasks\(\) works again after .* and 4 failed attempt/);
  assert.equal(node.pending, 0);
});

Deno.test("TaskFeed: answers later than SLOW_ANSWER are one warning per streak and one line when in time again", async () => {
  let clock = 0;
  const node = new ScriptedNode();
  const log = new RecordingLog();
  const feed = new TaskFeed({ node, interval: 1, log, now: () => clock });
  for (let i = 0; i < 4; i++) {
    const fed = feed.tasks();
    clock += SLOW_ANSWER * 1000 + 500;
    node.answer([task("a")]);
    await fed;
    await tick();
  }
  assert.equal(log.warnings.length, 1, log.warnings.join("\n"));
  assert.match(log.warnings[0]!, /^ScriptedNode\.getTasks\(\) answered after 5\.50 s, later than 5\.00 s;/);
  const fed = feed.tasks();
  node.answer([task("a")]);
  await fed;
  assert.match(
    log.infos.join("\n"),
    /ScriptedNode\.getTasks\(\) in time works again after .* and 4 failed attempt/,
  );
});
