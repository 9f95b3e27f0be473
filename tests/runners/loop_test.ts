import assert from "node:assert/strict";
import { runLoop, sleep } from "../../src/runners/loop.ts";

Deno.test("iterations start on a fixed grid: a slow iteration does not push later ones back", async () => {
  const starts: number[] = [];
  const t0 = performance.now();
  await runLoop({
    interval: 0.05,
    signal: new AbortController().signal,
    maxIterations: 5,
    iteration: async () => {
      starts.push(performance.now() - t0);
      await sleep(20, new AbortController().signal);
    },
  });
  assert.equal(starts.length, 5);
  // Tick k starts at about k·50 ms; a drifting loop would be at k·70 ms by the end.
  const last = starts[4]!;
  assert.ok(last >= 195 && last < 260, `5th iteration started at ${last.toFixed(1)} ms, expected ~200 ms`);
});

Deno.test("an overrunning iteration skips the missed ticks and reports them", async () => {
  const skipped: number[] = [];
  let clock = 0;
  const iterations: number[] = [];
  await runLoop({
    interval: 0.01,
    signal: new AbortController().signal,
    maxIterations: 3,
    now: () => clock,
    onOverrun: (n) => skipped.push(n),
    iteration: (i) => {
      iterations.push(clock);
      clock += i === 0 ? 35 : 1; // the first pass takes 3.5 periods of 10 ms
    },
  });
  assert.deepEqual(skipped, [3]);
  assert.equal(iterations.length, 3);
});

Deno.test("abort finishes the current iteration, then stops without waiting for the next tick", async () => {
  const controller = new AbortController();
  let finished = 0;
  const t0 = performance.now();
  const ran = await runLoop({
    interval: 60,
    signal: controller.signal,
    iteration: async () => {
      setTimeout(() => controller.abort(), 10);
      await sleep(30, new AbortController().signal);
      finished++;
    },
  });
  assert.equal(ran, 1);
  assert.equal(finished, 1);
  assert.ok(performance.now() - t0 < 1000, "did not wait out the 60 s interval");
});

Deno.test("sleep resolves early on abort and removes its listener", async () => {
  const controller = new AbortController();
  const t0 = performance.now();
  const pending = sleep(10_000, controller.signal);
  controller.abort();
  await pending;
  assert.ok(performance.now() - t0 < 100);
});
