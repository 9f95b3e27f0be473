import assert from "node:assert/strict";
import { WssStability } from "../../src/sources/wss_stability.ts";

const MB = 1_000_000;

/** Runs the tracker over (referenced, membw counter) pairs and returns each step's result. */
function run(settings: ConstructorParameters<typeof WssStability>[0], steps: [number, number | undefined][]) {
  const tracker = new WssStability(settings);
  return steps.map(([referenced, membw]) => tracker.step(referenced, membw));
}

Deno.test("cyclic resets only: every resetCycles iterations, no working set", () => {
  const out = run({ resetCycles: 3, stableCycles: 0, membwThreshold: undefined }, [
    [10, undefined],
    [11, undefined],
    [12, undefined],
    [1, undefined],
    [2, undefined],
    [3, undefined],
  ]);
  assert.deepEqual(out.map((s) => s.reset), [false, false, true, false, false, true]);
  assert.ok(out.every((s) => s.workingSetBytes === undefined));
});

Deno.test("stable growth gives the mean of the first and last stable readings, then a reset", () => {
  // Traffic 100 MB per iteration; 1% of it is 1 MB of allowed growth.
  const out = run({ resetCycles: 0, stableCycles: 2, membwThreshold: 0.01 }, [
    [50 * MB, 0],
    [80 * MB, 100 * MB], // +30 MB: growing
    [80.5 * MB, 200 * MB], // +0.5 MB: stable 1 (first stable = 80.5)
    [81 * MB, 300 * MB], // +0.5 MB: stable 2 → working set (80.5 + 81) / 2, reset
    [5 * MB, 400 * MB], // after the reset: no previous reading, the old value stays
  ]);
  assert.deepEqual(out.map((s) => s.workingSetBytes), [
    undefined,
    undefined,
    undefined,
    80.75 * MB,
    80.75 * MB,
  ]);
  assert.deepEqual(out.map((s) => s.reset), [false, false, false, true, false]);
});

Deno.test("a growth above the threshold, or a decrease of 2% or more, starts the count again", () => {
  const out = run({ resetCycles: 0, stableCycles: 2, membwThreshold: 0.01 }, [
    [100 * MB, 0],
    [100 * MB, 100 * MB], // stable 1
    [103 * MB, 200 * MB], // +3 MB > 1 MB: count back to 0
    [100 * MB, 300 * MB], // -3%: count back to 0
    [99 * MB, 400 * MB], // -1%: counts as no growth, stable 1
    [99 * MB, 500 * MB], // stable 2
  ]);
  assert.deepEqual(out.map((s) => s.workingSetBytes), [
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    99 * MB,
  ]);
});

Deno.test("negative stableCycles keeps the value without a reset; an idle task (no growth, no traffic) is stable", () => {
  const out = run({ resetCycles: 0, stableCycles: -1, membwThreshold: 0.01 }, [[7 * MB, 0], [7 * MB, 0], [
    9 * MB,
    0,
  ]]);
  assert.deepEqual(out.map((s) => s.workingSetBytes), [undefined, 7 * MB, 7 * MB]);
  assert.ok(out.every((s) => !s.reset));
});

Deno.test("without a bandwidth counter there is no working set, and cyclic resets still happen", () => {
  const out = run({ resetCycles: 2, stableCycles: 1, membwThreshold: 0.01 }, [[1, undefined], [
    1,
    undefined,
  ]]);
  assert.deepEqual(out, [{ workingSetBytes: undefined, reset: false }, {
    workingSetBytes: undefined,
    reset: true,
  }]);
});
