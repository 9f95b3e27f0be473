import assert from "node:assert/strict";
import { derivePerfMetrics } from "../../src/perf/derived.ts";

const snapshot = (time: number, values: Record<string, number>) => ({
  time,
  totals: new Map(Object.entries(values)),
});

Deno.test("derivePerfMetrics: nothing on the first reading; deltas over the interval afterwards", () => {
  const first = snapshot(1, {
    task_instructions: 1000,
    task_cycles: 5,
    task_cache_misses: 10000,
    task_cache_references: 50000,
  });
  assert.equal(derivePerfMetrics(undefined, first).size, 0);
  const second = snapshot(6, {
    task_instructions: 11000,
    task_cycles: 15,
    task_cache_misses: 20000,
    task_cache_references: 100000,
  });
  assert.deepEqual(Object.fromEntries(derivePerfMetrics(first, second)), {
    task_ipc: 1000,
    task_ips: 2000,
    task_cache_hit_ratio: 0.8,
    task_cache_misses_per_kilo_instructions: 1000,
  });
});

Deno.test("derivePerfMetrics: no division by zero, no ratio from a counter that went backwards or is missing", () => {
  const a = snapshot(1, {
    task_instructions: 10,
    task_cycles: 10,
    task_cache_misses: 5,
    task_cache_references: 5,
  });
  const idle = derivePerfMetrics(
    a,
    snapshot(2, { task_instructions: 10, task_cycles: 10, task_cache_misses: 5, task_cache_references: 5 }),
  );
  assert.deepEqual(Object.fromEntries(idle), { task_ips: 0 });
  const reset = derivePerfMetrics(a, snapshot(2, { task_instructions: 3, task_cycles: 20 }));
  assert.equal(reset.size, 0);
  const sameTime = derivePerfMetrics(a, snapshot(1, { task_instructions: 20, task_cycles: 20 }));
  assert.deepEqual(Object.fromEntries(sameTime), { task_ipc: 1 });
});
