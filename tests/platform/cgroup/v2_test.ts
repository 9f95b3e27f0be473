import assert from "node:assert/strict";
import { dirReader } from "../../../src/platform/cgroup/dir_reader.ts";
import { readPressure, readV2Cpu, readV2Memory } from "../../../src/platform/cgroup/v2.ts";
import { fixtureRoot } from "../_helpers.ts";

const CG = `${fixtureRoot("v2_unified")}/sys/fs/cgroup`;
const POD = `${CG}/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0f1e2d3c.slice`;

Deno.test("readV2Cpu: usage_usec in seconds and cgroup.threads", () => {
  const cpu = readV2Cpu(dirReader(`${CG}/task1`, true));
  assert.equal(cpu.cpuUsageSeconds, 913.374521);
  assert.deepEqual(cpu.pids, [48211, 48212, 48213]);
  assert.deepEqual(readV2Cpu(dirReader(POD, true)).pids, []);
});

Deno.test("readV2Memory: current, peak, max, low, NUMA pages, pgfault", () => {
  const memory = readV2Memory(dirReader(`${CG}/task1`, true), 4096);
  assert.equal(memory.memoryUsageBytes, 1610612736 + 536870912 + 134217728 + 4096 + 1327104);
  assert.equal(memory.memoryMaxUsageBytes, 2684354560);
  assert.equal(memory.memoryLimitBytes, Infinity);
  assert.equal(memory.memorySoftLimitBytes, 1073741824);
  assert.deepEqual([...memory.numaPages!], [[0, (1610612736 + 134217728) / 4096], [
    1,
    (536870912 + 4096) / 4096,
  ]]);
  assert.equal(memory.pageFaults, 591234);
});

Deno.test("readV2Memory: no memory.peak on older kernels is absent data", () => {
  const memory = readV2Memory(dirReader(POD, true), 4096);
  assert.equal(memory.memoryMaxUsageBytes, undefined);
  assert.equal(memory.memoryLimitBytes, 1073741824);
  assert.equal(memory.memorySoftLimitBytes, 0);
});

Deno.test("readV2Memory: without the memory controller every field is absent", () => {
  const memory = readV2Memory(dirReader(`${fixtureRoot("hybrid")}/sys/fs/cgroup/unified/task1`, true), 4096);
  assert.deepEqual(Object.values(memory).filter((v) => v !== undefined), []);
});

Deno.test("readPressure: three files, or none", () => {
  const pressure = readPressure(dirReader(`${CG}/task1`, true));
  assert.equal(pressure.cpuPressure!.some.avg10, 12.5);
  assert.equal(pressure.memoryPressure!.full!.totalUs, 298765);
  assert.equal(pressure.ioPressure!.some.totalUs, 1234567);
  assert.deepEqual(Object.values(readPressure(dirReader(POD, true))).filter((v) => v !== undefined), []);
});

Deno.test("v2 readers: malformed files name the path", () => {
  const dir = Deno.makeTempDirSync({ prefix: "wca_v2_" });
  try {
    const skipped: string[] = [];
    Deno.writeTextFileSync(`${dir}/cpu.stat`, "usage_usec\nuser_usec 3\n");
    assert.equal(readV2Cpu(dirReader(dir, true, (m) => skipped.push(m))).cpuUsageSeconds, undefined);
    assert.deepEqual(skipped, [`${dir}/cpu.stat:1: skipped "usage_usec": expected "key integer"`]);
    // One unknown line in memory.stat (a patched kernel's) costs that line only.
    Deno.writeTextFileSync(`${dir}/memory.stat`, "anon 4096\nweird stat line\npgfault 77\n");
    assert.equal(readV2Memory(dirReader(dir, true, (m) => skipped.push(m)), 4096).pageFaults, 77);
    assert.equal(skipped[1], `${dir}/memory.stat:2: skipped "weird stat line": expected "key integer"`);
    Deno.writeTextFileSync(`${dir}/cpu.stat`, "user_usec 5\n");
    assert.equal(readV2Cpu(dirReader(dir, true)).cpuUsageSeconds, undefined);
    Deno.writeTextFileSync(`${dir}/io.pressure`, "some avg10=nope\n");
    assert.throws(() => readPressure(dirReader(dir, true)), new RegExp(`${dir}/io.pressure:1:`));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
