import assert from "node:assert/strict";
import { callPlugin } from "../../src/runners/plugin_call.ts";

Deno.test("callPlugin: a value, a throw, a rejection and a hang each end within the limit", async () => {
  const ok = await callPlugin("detector", () => ({ anomalies: [] }), 1);
  assert.deepEqual(ok.ok && ok.value, { anomalies: [] });
  const thrown = await callPlugin("detector", () => {
    throw new Error("boom");
  }, 1);
  assert.deepEqual(thrown.ok ? undefined : thrown.reason, "detector failed: boom");
  const rejected = await callPlugin("allocator", () => Promise.reject(new TypeError("bad")), 1);
  assert.equal(rejected.ok ? undefined : rejected.reason, "allocator failed: bad");
  const hang = await callPlugin("allocator", () => new Promise(() => {}), 0.2);
  assert.equal(hang.ok ? undefined : hang.reason, "allocator did not answer within 0.2 s");
  assert.ok(hang.seconds >= 0.19 && hang.seconds < 2, `${hang.seconds}`);
  const late = await callPlugin("x", () => new Promise((r) => setTimeout(() => r(1), 10)), 1);
  assert.ok(late.ok, "an answer within the limit counts");
});

Deno.test("callPlugin: a huge error message is cut; a timeout is one kind whatever its text", async () => {
  const thrown = await callPlugin("detector", () => {
    throw new Error("x".repeat(1_000_000));
  }, 1);
  assert.ok(!thrown.ok && thrown.reason.length < 600 && thrown.reason.endsWith("..."));
  const hang = await callPlugin("allocator", () => new Promise(() => {}), 0.05);
  assert.equal(hang.ok ? undefined : hang.kind, "no answer");
});
