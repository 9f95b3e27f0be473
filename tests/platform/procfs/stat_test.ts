import assert from "node:assert/strict";
import { parseProcStat, readProcStat } from "../../../src/platform/procfs/stat.ts";
import { PlatformParseError } from "../../../src/platform/parse.ts";
import { defaultHostPaths } from "../../../src/platform/host_paths.ts";
import { readOnlineCpus } from "../../../src/platform/sysfs/cpu_online.ts";
import { fixturePaths, SCENARIOS } from "../_helpers.ts";

const REAL = `cpu  2154 0 1648 38637 692 0 29 11 0 0
cpu0 848 0 607 20140 18 0 9 3 0 0
cpu1 1305 1 1041 18497 673 2 20 7 5 0
intr 161316 0 0 0
ctxt 349329
btime 1795308706
softirq 104981 0 6406 3 1723 64374 0 4 18154 0 14317
`;

Deno.test("parseProcStat sums user+nice+system+irq+softirq+steal per CPU", () => {
  const usage = parseProcStat(REAL);
  assert.deepEqual([...usage], [[0, 848 + 607 + 9 + 3], [1, 1305 + 1 + 1041 + 2 + 20 + 7]]);
});

Deno.test("parseProcStat: CPU ids need not be contiguous; steal may be missing on old kernels", () => {
  const usage = parseProcStat("cpu 1 1 1 1 1 1 1\ncpu0 1 2 3 100 100 4 5\ncpu4 1 0 0 0 0 0 0 9 9 9\n");
  assert.deepEqual([...usage], [[0, 15], [4, 10]]);
});

Deno.test("parseProcStat: empty and malformed input", () => {
  const table: Array<[string, RegExp]> = [
    ["", /stat: no per-CPU lines/],
    ["intr 1 2 3\n", /no per-CPU lines/],
    ["cpu 1 2 3 4 5 6 7\ncpu0 1 2 3\n", /stat:2: expected at least 7 counters for cpu0/],
    ["cpu0 1 2 x 4 5 6 7 8\n", /stat:1: expected an integer for cpu0 field 3, got "x"/],
    ["cpuX 1 2 3 4 5 6 7 8\n", /stat:1: bad CPU label "cpuX"/],
  ];
  for (const [text, message] of table) {
    assert.throws(
      () => parseProcStat(text),
      (e: unknown) => e instanceof PlatformParseError && message.test(e.message),
      text,
    );
  }
});

Deno.test("readProcStat on fixtures: one entry per online CPU", () => {
  for (const scenario of SCENARIOS) {
    const paths = fixturePaths(scenario);
    const usage = readProcStat(paths);
    assert.deepEqual([...usage.keys()], readOnlineCpus(paths), scenario);
    for (const ticks of usage.values()) assert.ok(ticks > 0, scenario);
  }
});

Deno.test("readProcStat errors name the full path", () => {
  const paths = { ...fixturePaths("v1_split"), proc: "/nonexistent-wca" };
  assert.throws(() => readProcStat(paths), /nonexistent-wca\/stat/);
});

Deno.test("real /proc/stat: every online CPU, counters never go down", async () => {
  const paths = defaultHostPaths();
  const before = readProcStat(paths);
  assert.deepEqual([...before.keys()], readOnlineCpus(paths));
  await new Promise((resolve) => setTimeout(resolve, 30));
  const after = readProcStat(paths);
  for (const [cpu, ticks] of before) assert.ok(after.get(cpu)! >= ticks);
});
