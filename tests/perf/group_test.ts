/** PerfEventGroup on the real kernel (software events on this process) and its pure scaling. */
import assert from "node:assert/strict";
import { Libc } from "../../ffi/mod.ts";
import { PerfEventGroup, scaleGroupRead } from "../../src/perf/group.ts";
import { runIsolated } from "../helpers/isolated.ts";

Deno.test("fd accounting (counts /proc/self/fd, so in a process of its own)", async () => {
  await runIsolated(new URL("./group_fds_isolated.ts", import.meta.url));
});

Deno.test("scaleGroupRead: counted, multiplexed, never enabled, and enabled but never running", () => {
  const cases: ReadonlyArray<{
    name: string;
    enabled: number;
    running: number;
    counts: number[];
    state: string;
    factor: number | undefined;
    values: [string, number][];
  }> = [
    {
      name: "on its counters all the time",
      enabled: 1000,
      running: 1000,
      counts: [10, 20],
      state: "counted",
      factor: 1,
      values: [["a", 10], ["b", 20]],
    },
    {
      name: "multiplexed: half the time",
      enabled: 2000,
      running: 1000,
      counts: [10, 20],
      state: "counted",
      factor: 2,
      values: [["a", 20], ["b", 40]],
    },
    {
      name: "multiplexed by a fraction: whole events, rounded",
      enabled: 3000,
      running: 2000,
      counts: [24600105787, 3],
      state: "counted",
      factor: 1.5,
      values: [["a", 36900158681], ["b", 5]], // 36900158680.5 and 4.5, rounded half up
    },
    {
      name: "never enabled: no value",
      enabled: 0,
      running: 0,
      counts: [0, 0],
      state: "idle",
      factor: undefined,
      values: [],
    },
    {
      name: "enabled, never ran: no value, not extrapolated",
      enabled: 500,
      running: 0,
      counts: [7, 7],
      state: "starved",
      factor: undefined,
      values: [],
    },
    {
      name: "running a hair past enabled: never shrinks counts",
      enabled: 999,
      running: 1000,
      counts: [5, 6],
      state: "counted",
      factor: 1,
      values: [["a", 5], ["b", 6]],
    },
  ];
  for (const c of cases) {
    const reading = scaleGroupRead(["a", "b"], c.enabled, c.running, c.counts);
    assert.equal(reading.state, c.state, c.name);
    assert.equal(reading.scalingFactor, c.factor, c.name);
    assert.deepEqual([...reading.values], c.values, c.name);
    if (reading.scalingFactor !== undefined) assert.ok(Number.isFinite(reading.scalingFactor), c.name);
  }
  assert.equal(scaleGroupRead(["a", "a"], 1, 1, [1, 2]).values.get("a"), 3, "same name: summed");
});

Deno.test("an empty group is refused", () => {
  const libc = new Libc();
  try {
    assert.throws(() => PerfEventGroup.open(libc, [], { pid: 0, cpu: -1 }), /at least one event/);
  } finally {
    libc.unload();
  }
});
