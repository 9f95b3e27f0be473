import assert from "node:assert/strict";
import { dirReader } from "../../../src/platform/cgroup/dir_reader.ts";
import { readV1Cpu, readV1Memory } from "../../../src/platform/cgroup/v1.ts";
import { PlatformParseError } from "../../../src/platform/parse.ts";
import { fixtureRoot } from "../_helpers.ts";

const CG = `${fixtureRoot("v1_comounted")}/sys/fs/cgroup`;

Deno.test("readV1Cpu: cpuacct.usage in seconds and every thread id", () => {
  const cpu = readV1Cpu(dirReader(`${CG}/cpu,cpuacct/task1`, true));
  assert.equal(cpu.cpuUsageSeconds, 734.982391022);
  assert.deepEqual(cpu.pids, [21873, 21874, 21875, 21901]);
});

Deno.test("readV1Memory: limits, hierarchical NUMA pages and total_pgfault", () => {
  const memory = readV1Memory(dirReader(`${CG}/memory/task1`, true));
  assert.equal(memory.memoryUsageBytes, 2147483648);
  assert.equal(memory.memoryMaxUsageBytes, 2415919104);
  assert.equal(memory.memoryLimitBytes, 4294967296);
  assert.equal(memory.memorySoftLimitBytes, 2147483648);
  assert.deepEqual([...memory.numaPages!], [[0, 400000], [1, 124288]]);
  assert.equal(memory.pageFaults, 1876543);
});

Deno.test("readV1Memory: unlimited limits and the total= fallback", () => {
  const memory = readV1Memory(dirReader(`${CG}/memory/docker/3f1c9a7e5b2d`, true));
  assert.equal(memory.memoryLimitBytes, Infinity);
  assert.equal(memory.memorySoftLimitBytes, Infinity);
  assert.deepEqual([...memory.numaPages!], [[0, 21200], [1, 4400]]);
});

Deno.test("readV1Memory: pgfault when memory.stat has no total_ lines; absent files are undefined", () => {
  const dir = Deno.makeTempDirSync({ prefix: "wca_v1_" });
  try {
    Deno.writeTextFileSync(`${dir}/memory.usage_in_bytes`, "4096\n");
    Deno.writeTextFileSync(`${dir}/memory.stat`, "cache 0\npgfault 17\n");
    const memory = readV1Memory(dirReader(dir, true));
    assert.equal(memory.memoryUsageBytes, 4096);
    assert.equal(memory.pageFaults, 17);
    assert.equal(memory.memoryLimitBytes, undefined);
    assert.equal(memory.numaPages, undefined);
    Deno.writeTextFileSync(`${dir}/memory.usage_in_bytes`, "lots\n");
    assert.throws(
      () => readV1Memory(dirReader(dir, true)),
      (e: unknown) =>
        e instanceof PlatformParseError && e.message.startsWith(`${dir}/memory.usage_in_bytes:1:`),
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
