/**
 * PerfEventGroup on the real kernel, counting this process's fds: run alone by group_test.ts through
 * runIsolated (deno test --parallel would put other test files' fds in this process).
 */
import assert from "node:assert/strict";
import { Libc, PERF_COUNT_SW, PERF_TYPE } from "../../ffi/mod.ts";
import { type GroupEvent, PerfEventGroup, PerfOpenError } from "../../src/perf/group.ts";
import { openFdCount } from "../helpers/fds.ts";

const sw = (name: string, config: number): GroupEvent => ({
  name,
  attr: { type: PERF_TYPE.SOFTWARE, config: BigInt(config) },
});

Deno.test("a group counts from open (reset and enabled) and close returns every fd", () => {
  const libc = new Libc();
  const before = openFdCount();
  try {
    const group = PerfEventGroup.open(libc, [
      sw("task_clock", PERF_COUNT_SW.TASK_CLOCK),
      sw("faults", PERF_COUNT_SW.PAGE_FAULTS),
    ], { pid: 0, cpu: -1 });
    assert.equal(group.fdCount, 2);
    assert.equal(openFdCount(), before + 2);
    const started = performance.now();
    let reading = group.read();
    while (reading.values.get("task_clock")! < 10e6 && performance.now() - started < 10_000) {
      reading = group.read();
    }
    const wallNs = (performance.now() - started) * 1e6;
    const clock = reading.values.get("task_clock")!;
    assert.ok(
      clock >= 10e6 && clock <= wallNs + 1e6,
      `task clock ${clock} ns within ${wallNs} ns of wall time`,
    );
    assert.equal(reading.scalingFactor, 1, "software events are never multiplexed");
    group.close();
    group.close();
    assert.equal(group.fdCount, 0);
    assert.throws(() => group.read(), /closed perf event group/);
  } finally {
    libc.unload();
  }
  assert.equal(openFdCount(), before);
});

Deno.test("a member the kernel rejects closes the leader and names the event and errno", () => {
  const libc = new Libc();
  const before = openFdCount();
  try {
    assert.throws(
      () =>
        PerfEventGroup.open(libc, [
          sw("task_clock", PERF_COUNT_SW.TASK_CLOCK),
          { name: "bogus", attr: { type: 999_999, config: 0n } },
        ], { pid: 0, cpu: -1 }),
      (error: unknown) => {
        assert.ok(error instanceof PerfOpenError);
        assert.equal(error.event, "bogus");
        assert.equal(error.code, "ENOENT");
        assert.match(error.message, /^cannot open perf event bogus on CPU -1: perf_event_open: ENOENT/);
        return true;
      },
    );
  } finally {
    libc.unload();
  }
  assert.equal(openFdCount(), before, "the leader opened before the failure is closed");
});
