/**
 * kafkajs' TimeoutNegativeWarning (a negative setTimeout in its request queue) is kept off stderr, and
 * nothing else is: in a child process, as the process-wide warning printer is what is being tested.
 */
import assert from "node:assert/strict";
import { startKafkaMock } from "../../helpers/kafka_mock.ts";
import { ROOT } from "../../helpers/wca_process.ts";

Deno.test("kafkajs: its negative-timeout warning is skipped, other warnings still print", async () => {
  await using broker = await startKafkaMock();
  await broker.createTopic("warnings");
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "tests/storages/kafka/negative_timeout_child.ts", broker.bootstrap],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  // kafkajs did emit it: otherwise this test proves nothing (and the filter could go).
  assert.match(stdout, /KAFKAJS-NEGATIVE-TIMEOUT/, stderr);
  // Its printed form is "-<milliseconds since 1970> is a negative number"; ours is -5.
  assert.doesNotMatch(stderr, /-\d{10,} is a negative number/, stderr);
  assert.match(stderr, /TimeoutNegativeWarning: -5 is a negative number/, stderr);
  assert.match(stderr, /OtherWarning: a warning of our own/, stderr);
});
