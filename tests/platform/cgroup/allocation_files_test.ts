/**
 * cgroup allocation files. cgroup v2 writers run against a temporary tree shaped like a cgroup2 mount
 * (this machine's cpu and cpuset controllers are bound to v1 and in use by other tests, so they cannot be
 * moved to cgroup2 here); cgroup v1 reads run against the real hierarchy.
 */
import assert from "node:assert/strict";
import {
  cpuLimitWrites,
  cpusetWrite,
  memoryMigrateWrite,
  parseCpuMax,
  readCgroupAllocationFiles,
  sharesToWeight,
  sharesWrites,
  weightToShares,
  writeCgroupFile,
} from "../../../src/platform/cgroup/allocation_files.ts";
import {
  discoverCgroupMounts,
  parseMountinfo,
  readCgroupLayout,
} from "../../../src/platform/cgroup/mounts.ts";
import { defaultHostPaths, hostPathsUnder } from "../../../src/platform/host_paths.ts";
import { kernelToQuota, quotaToKernel } from "../../../src/allocations/units.ts";
import { withRealCgroups } from "../../helpers/real_cgroups.ts";

Deno.test("sharesToWeight: the kernel's formula at its ends and a few points", () => {
  const table: [number, number][] = [[2, 1], [1024, 39], [262144, 10000], [1, 1], [999999, 10000], [
    2000,
    77,
  ]];
  for (const [shares, weight] of table) assert.equal(sharesToWeight(shares), weight, `shares ${shares}`);
});

Deno.test("weightToShares: an exact inverse on every weight 1..10000", () => {
  for (let w = 1; w <= 10000; w++) {
    const shares = weightToShares(w);
    assert.equal(sharesToWeight(shares), w, `weight ${w} → shares ${shares}`);
    if (w > 1) assert.notEqual(sharesToWeight(shares - 1), w, `weight ${w}: the smallest such shares`);
  }
});

Deno.test("parseCpuMax: max and numbers; garbage refused with the file named", () => {
  assert.deepEqual(parseCpuMax("max 100000\n", "f"), { quotaUs: -1, periodUs: 100000 });
  assert.deepEqual(parseCpuMax("50000 100000\n", "f"), { quotaUs: 50000, periodUs: 100000 });
  assert.throws(() => parseCpuMax("fast", "/x/cpu.max"), /\/x\/cpu\.max: expected "max PERIOD"/);
});

async function cgroup2Tree() {
  const dir = await Deno.makeTempDir({ prefix: "wca_cgroup2_" });
  const paths = hostPathsUnder(dir);
  const task = `${paths.cgroup}/kubepods/pod1`;
  await Deno.mkdir(`${task}/c1`, { recursive: true });
  for (const d of [task, `${task}/c1`]) {
    await Deno.writeTextFile(`${d}/cpu.max`, "max 100000\n");
    await Deno.writeTextFile(`${d}/cpu.weight`, "100\n");
    await Deno.writeTextFile(`${d}/cpuset.cpus`, "\n");
    await Deno.writeTextFile(`${d}/cpuset.mems`, "\n");
    await Deno.writeTextFile(`${d}/cgroup.threads`, "");
  }
  const mountinfo = "33 23 0:27 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";
  const layout = discoverCgroupMounts(parseMountinfo(mountinfo), paths);
  return {
    dir,
    task,
    layout,
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("cgroup v2 (a cgroup2-shaped tree): cpu.max, cpu.weight from shares, cpusets; read back", async () => {
  await using tree = await cgroup2Tree();
  const path = "/kubepods/pod1";
  const writes = [
    ...cpuLimitWrites(tree.layout, path, { quotaUs: 50000, periodUs: 100000 }),
    ...sharesWrites(tree.layout, path, 2048),
    cpusetWrite(tree.layout, path, "cpuset.cpus", "0-1"),
    cpusetWrite(tree.layout, path, "cpuset.mems", "0"),
  ];
  assert.deepEqual(writes.map((w) => [w.path.slice(tree.dir.length), w.value]), [
    ["/sys/fs/cgroup/kubepods/pod1/cpu.max", "50000 100000"],
    ["/sys/fs/cgroup/kubepods/pod1/cpu.weight", "79"],
    ["/sys/fs/cgroup/kubepods/pod1/cpuset.cpus", "0-1"],
    ["/sys/fs/cgroup/kubepods/pod1/cpuset.mems", "0"],
  ]);
  for (const write of writes) writeCgroupFile(write);
  const read = readCgroupAllocationFiles(tree.layout, path)!;
  assert.deepEqual(read, {
    version: { cpu: 2, cpuset: 2 },
    cpuLimit: { quotaUs: 50000, periodUs: 100000 },
    weight: 79,
    shares: weightToShares(79),
    cpusetCpus: "0-1",
    cpusetMems: "0",
  });
  assert.equal(sharesToWeight(read.shares!), 79, "read-back shares convert to the same weight");
  writeCgroupFile(cpuLimitWrites(tree.layout, path, { quotaUs: -1, periodUs: 1000 })[0]!);
  assert.equal(await Deno.readTextFile(`${tree.task}/cpu.max`), "max 1000");
  assert.throws(() => memoryMigrateWrite(tree.layout, path, true), /cgroup v2 has no cpuset\.memory_migrate/);
  assert.equal(readCgroupAllocationFiles(tree.layout, "/gone"), undefined);
});

Deno.test("cgroup v2 (a cgroup2-shaped tree): a small quota with its longer period in one cpu.max line, read back as the share", async () => {
  await using tree = await cgroup2Tree();
  const path = "/kubepods/pod1";
  const units = { cpus: 2, cpuQuotaPeriod: 1000, cpuSharesUnit: 1000 };
  const writes = cpuLimitWrites(tree.layout, path, quotaToKernel(0.25, units), {
    quotaUs: -1,
    periodUs: 100000,
  });
  assert.deepEqual(writes.map((w) => [w.path.split("/").at(-1), w.value]), [["cpu.max", "1000 2000"]]);
  for (const write of writes) writeCgroupFile(write);
  const limit = readCgroupAllocationFiles(tree.layout, path)!.cpuLimit!;
  assert.deepEqual(limit, { quotaUs: 1000, periodUs: 2000 });
  assert.equal(kernelToQuota(limit, units.cpus), 0.25);
});

Deno.test("writeCgroupFile: a missing file is an error naming the file and the value, never created", async () => {
  await using tree = await cgroup2Tree();
  const write = { path: `${tree.task}/cpu.nothing`, value: "5" };
  assert.throws(() => writeCgroupFile(write), /writing "5" to .*\/cpu\.nothing failed/);
  await assert.rejects(() => Deno.stat(write.path), Deno.errors.NotFound);
});

Deno.test("cgroup v1 (real): cfs quota and period, shares, cpusets and memory_migrate read; v1 writes planned per file", async () => {
  await withRealCgroups(["cpu", "cpuset"], 1, (groups) => {
    const layout = readCgroupLayout(defaultHostPaths());
    const path = groups.paths[0]!;
    const read = readCgroupAllocationFiles(layout, path)!;
    assert.deepEqual(read.version, { cpu: 1, cpuset: 1 });
    assert.deepEqual(read.cpuLimit, { quotaUs: -1, periodUs: 100000 });
    assert.equal(read.shares, 1024);
    assert.equal(read.cpusetCpus, "", "a new v1 cpuset cgroup starts empty");
    assert.equal(read.memoryMigrate, false);
    assert.deepEqual(
      cpuLimitWrites(layout, path, { quotaUs: 1000, periodUs: 1000 }, { quotaUs: -1, periodUs: 100000 }).map((
        w,
      ) => w.path.split("/").at(-1)),
      ["cpu.cfs_period_us", "cpu.cfs_quota_us"],
    );
    assert.deepEqual(
      cpuLimitWrites(layout, path, { quotaUs: 1000, periodUs: 1000 }, { quotaUs: -1, periodUs: 1000 }).map((
        w,
      ) => w.path.split("/").at(-1)),
      ["cpu.cfs_quota_us"],
      "the period only when it differs",
    );
    for (
      const write of cpuLimitWrites(layout, path, { quotaUs: 2000, periodUs: 1000 }, {
        quotaUs: -1,
        periodUs: 100000,
      })
    ) {
      writeCgroupFile(write);
    }
    writeCgroupFile(sharesWrites(layout, path, 300)[0]!);
    writeCgroupFile(memoryMigrateWrite(layout, path, true));
    const after = readCgroupAllocationFiles(layout, path)!;
    assert.deepEqual([after.cpuLimit, after.shares, after.memoryMigrate], [
      { quotaUs: 2000, periodUs: 1000 },
      300,
      true,
    ]);
    assert.throws(
      () => writeCgroupFile({ path: `${groups.dirs(path)[0]}/cpu.cfs_quota_us`, value: "5" }),
      /writing "5" to .*cpu\.cfs_quota_us failed: .*(Invalid argument|os error 22)/,
    );
  });
});

Deno.test("cgroup v1 (real): quota and period change in the order the kernel accepts under a limited parent", async () => {
  await withRealCgroups(["cpu"], 1, (groups) => {
    const layout = readCgroupLayout(defaultHostPaths());
    const [parentDir] = groups.dirs(groups.parent);
    const path = groups.paths[0]!;
    const [dir] = groups.dirs(path);
    const set = (d: string, quota: number, period: number) => {
      Deno.writeTextFileSync(`${d}/cpu.cfs_period_us`, String(period));
      Deno.writeTextFileSync(`${d}/cpu.cfs_quota_us`, String(quota));
    };
    const limit = () => readCgroupAllocationFiles(layout, path)!.cpuLimit!;
    set(parentDir!, 50000, 100000); // the parent: half a CPU
    set(dir!, 50000, 100000);
    // Half a CPU again, at a 2 ms period: period first would be 50000 µs per 2000 µs (25 CPUs) for a moment,
    // which the kernel refuses under this parent; quota first (1000 per 100000) is accepted.
    const shorter = { quotaUs: 1000, periodUs: 2000 };
    const writes = cpuLimitWrites(layout, path, shorter, limit());
    assert.deepEqual(writes.map((w) => w.path.split("/").at(-1)), ["cpu.cfs_quota_us", "cpu.cfs_period_us"]);
    assert.throws(
      () => writeCgroupFile({ path: `${dir}/cpu.cfs_period_us`, value: "2000" }),
      /Invalid argument|os error 22/,
      "the other order is refused: the test is meaningful",
    );
    for (const write of writes) writeCgroupFile(write);
    assert.deepEqual(limit(), shorter);
    // And back to 50000 per 100000: period first (1000 per 100000 in between).
    const longer = { quotaUs: 50000, periodUs: 100000 };
    const back = cpuLimitWrites(layout, path, longer, limit());
    assert.deepEqual(back.map((w) => w.path.split("/").at(-1)), ["cpu.cfs_period_us", "cpu.cfs_quota_us"]);
    for (const write of back) writeCgroupFile(write);
    assert.deepEqual(limit(), longer);
  });
});
