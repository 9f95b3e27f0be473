import assert from "node:assert/strict";
import { FailureStreak } from "../../src/logging/streak.ts";
import { RecordingLog } from "../helpers/recording_log.ts";

function streak(remindSeconds = 300) {
  const log = new RecordingLog();
  let now = 0;
  const failures = new FailureStreak(log, "X.allocate()", { remindSeconds, now: () => now });
  return { log, failures, advance: (seconds: number) => (now += seconds * 1000) };
}

Deno.test("FailureStreak logs a reason once, a new reason at once, and the recovery once", () => {
  const { log, failures } = streak();
  failures.succeed();
  assert.deepEqual(log.infos, [], "no recovery without a failure");
  for (let i = 0; i < 5; i++) failures.fail("X.allocate() failed: boom");
  assert.deepEqual(log.errors, ["X.allocate() failed: boom; repeats are counted, not logged"]);
  failures.fail("X.allocate() did not answer within 1 s");
  assert.equal(log.errors.length, 2);
  assert.equal(log.errors[1], "X.allocate() did not answer within 1 s; repeats are counted, not logged");
  assert.equal(failures.failures, 6);
  failures.succeed();
  failures.succeed();
  assert.deepEqual(log.infos, ["X.allocate() works again after 0.0 s and 6 failed attempt(s)"]);
  assert.equal(failures.failures, 0);
  failures.fail("X.allocate() failed: boom");
  assert.equal(log.errors.length, 3, "after a recovery the old reason is news again");
});

Deno.test("FailureStreak reminds while a failure lasts, no more often than remindSeconds", () => {
  const { log, failures, advance } = streak(60);
  failures.fail("down");
  for (let second = 1; second <= 150; second++) {
    advance(1);
    failures.fail("down");
  }
  assert.deepEqual(log.errors.slice(1), [
    "X.allocate() still failing after 61 attempts: down",
    "X.allocate() still failing after 121 attempts: down",
  ]);
});

Deno.test("FailureStreak by kind, at warning, without reminders: what a node's outage needs", () => {
  const log = new RecordingLog();
  let now = 0;
  const outage = new FailureStreak(log, "KubernetesNode", {
    level: "warning",
    remindSeconds: Infinity,
    now: () => now,
  });
  outage.fail("refused (port 1)", "refused");
  now += 3_600_000;
  outage.fail("refused (port 2)", "refused");
  outage.fail("HTTP 500", "status");
  assert.deepEqual(log.errors, []);
  assert.deepEqual(log.warnings, [
    "refused (port 1); repeats are counted, not logged",
    "HTTP 500; repeats are counted, not logged",
  ]);
  assert.deepEqual(log.debugs, ["refused (port 2) (attempt 2)"]);
  outage.succeed();
  assert.deepEqual(log.infos, ["KubernetesNode works again after 3600.0 s and 3 failed attempt(s)"]);
});

Deno.test("FailureStreak counts per kind: two kinds that alternate are two lines, and reminders count their kind", () => {
  const { log, failures, advance } = streak(60);
  for (let i = 0; i < 10; i++) {
    failures.fail(`refused: ${i} problems`, "refused");
    failures.fail("did not answer within 1 s", "timeout");
    advance(1);
  }
  assert.deepEqual(log.errors, [
    "refused: 0 problems; repeats are counted, not logged",
    "did not answer within 1 s; repeats are counted, not logged",
  ]);
  assert.deepEqual(log.debugs.slice(0, 2), [
    "refused: 1 problems (attempt 2)",
    "did not answer within 1 s (attempt 2)",
  ]);
  advance(60);
  failures.fail("refused: 7 problems", "refused");
  assert.equal(log.errors[2], "X.allocate() still failing after 11 attempts: refused: 7 problems");
  failures.succeed();
  assert.deepEqual(log.infos, ["X.allocate() works again after 70.0 s and 21 failed attempt(s)"]);
});

Deno.test("FailureStreak logs at most 32 kinds per streak; further new kinds go to debug", () => {
  const { log, failures } = streak();
  for (let i = 0; i < 100; i++) failures.fail(`boom ${i}`);
  assert.equal(log.errors.length, 32);
  assert.equal(failures.failures, 100);
});
