/** validateAllocations: WCA's rules, table-tested; RDT lines against the resctrl fixture hosts. */
import assert from "node:assert/strict";
import { validateAllocations } from "../../src/allocations/validate.ts";
import { readResctrlInfo } from "../../src/platform/resctrl/info.ts";
import { resctrlHost } from "../helpers/resctrl_model.ts";
import { platform, RDT_ON, task, tasksData } from "./_fixtures.ts";

const TASKS = tasksData([task("t1"), task("t2")]);
const TWO_NODES = platform({
  numaNodes: [0, 1].map((id) => ({ id, cpus: [id], distances: [], memFreeBytes: 0, memUsedBytes: 0 })),
});

Deno.test("validateAllocations: valid values pass, and come back as they will be written", () => {
  const desired = {
    t1: { cpu_quota: 0.25, cpu_shares: 2, cpuset_cpus: "0-1", cpuset_mems: "0" },
    t2: {
      cpu_quota: 1.0,
      cpuset_memory_migrate: 1 as unknown as boolean,
      migrate_pages: 1,
      cpuset_cpus: "1",
    },
  };
  const result = validateAllocations(TWO_NODES, TASKS, desired);
  assert.deepEqual(result.errors, []);
  assert.equal(result.ok, true);
  assert.deepEqual(result.allocations.get("t1"), desired.t1);
  assert.deepEqual(result.allocations.get("t2"), { ...desired.t2, cpuset_memory_migrate: true });
  // A Map is accepted as well as a record.
  assert.equal(validateAllocations(TWO_NODES, TASKS, new Map([["t1", { cpu_shares: 0.5 }]])).ok, true);
});

Deno.test("validateAllocations: each invalid value is refused with the task, the field and the value", () => {
  const table: [Record<string, unknown>, RegExp][] = [
    [{ t1: { cpu_quota: 1.5 } }, /^task t1: cpu_quota 1\.5 is out of range: expected a number from 0 to 1/],
    [{ t1: { cpu_quota: -0.1 } }, /^task t1: cpu_quota -0\.1 is out of range/],
    [{ t1: { cpu_quota: "0.5" } }, /^task t1: cpu_quota "0\.5" is out of range/],
    [{ t1: { cpu_shares: -1 } }, /^task t1: cpu_shares -1 is out of range/],
    [{ t1: { cpu_shares: 300 } }, /^task t1: cpu_shares 300 is 300000 cpu\.shares .* at most 262144/],
    [
      { t1: { cpuset_cpus: "0-2" } },
      /^task t1: cpuset_cpus "0-2" names 2, not among this platform's online CPUs \(0, 1\)/,
    ],
    [{ t1: { cpuset_cpus: "" } }, /^task t1: cpuset_cpus "" is empty/],
    [{ t1: { cpuset_cpus: "a" } }, /^task t1: cpuset_cpus "a" is invalid: .*bad list element/],
    [{ t1: { cpuset_cpus: 1 } }, /^task t1: cpuset_cpus 1 is invalid: expected a list/],
    [
      { t1: { cpuset_mems: "1" } },
      /^task t1: cpuset_mems "1" names 1, not among this platform's NUMA nodes \(0\)/,
    ],
    [{ t1: { cpuset_memory_migrate: 2 } }, /^task t1: cpuset_memory_migrate 2 is invalid/],
    [
      { t1: { migrate_pages: 1 } },
      /^task t1: migrate_pages 1 is not a NUMA node of this platform \(nodes: 0\)/,
    ],
    [{ t1: { migrate_pages: 0.5 } }, /^task t1: migrate_pages 0\.5 is not a NUMA node/],
    [{ t1: { cpu_period: 1 } }, /^task t1: unknown allocation type "cpu_period"/],
    [{ t9: { cpu_quota: 0.5 } }, /^task t9: no such task this iteration \(known: t1, t2\)/],
    [{ t1: 5 }, /^task t1: expected a mapping of allocation type to value, got 5/],
    [
      { t1: { rdt: { l3: "L3:0=f" } } },
      /^task t1: rdt\.l3 "L3:0=f" refused: RDT cache allocation is not available/,
    ],
  ];
  for (const [desired, message] of table) {
    const result = validateAllocations(platform(), TASKS, desired as never);
    assert.equal(result.ok, false, JSON.stringify(desired));
    assert.equal(result.allocations.size, 0, "nothing to apply when anything is invalid");
    assert.ok(
      result.errors.some((e) => message.test(e)),
      `${JSON.stringify(desired)}: ${result.errors.join("; ")}`,
    );
  }
  assert.match(
    validateAllocations(platform(), TASKS, null as never).errors[0]!,
    /expected a mapping of task id/,
  );
});

Deno.test("validateAllocations: one invalid value drops every task's allocations, and all problems are listed", () => {
  const result = validateAllocations(platform(), TASKS, {
    t1: { cpu_quota: 0.5 },
    t2: { cpu_quota: 2, cpuset_cpus: "7" },
  });
  assert.equal(result.ok, false);
  assert.equal(result.allocations.size, 0);
  assert.equal(result.errors.length, 2);
});

Deno.test("validateAllocations: migrate_pages is refused while swap is on, or when its state is unknown", () => {
  for (const swapEnabled of [true, undefined]) {
    const result = validateAllocations(platform({ swapEnabled }), TASKS, { t1: { migrate_pages: 0 } });
    assert.equal(result.ok, false);
    assert.match(result.errors[0]!, /^task t1: migrate_pages 0 refused: .*swap.*swapoff -a/);
  }
  assert.equal(validateAllocations(platform(), TASKS, { t1: { migrate_pages: 0 } }).ok, true);
});

Deno.test("validateAllocations: RDT lines within cbm_mask/min_cbm_bits, MB rounded up to bandwidth_gran, group named", async () => {
  await using host = await resctrlHost("intel_2s_cdp");
  const resctrl = readResctrlInfo(host.paths)!;
  const rdtPlatform = platform({ rdt: { ...RDT_ON, numClosids: 8 } });
  const ok = validateAllocations(rdtPlatform, TASKS, {
    t1: { rdt: { name: "be", l3: "L3:0=f;1=f0", mb: "MB:0=25;1=100" } },
    t2: { rdt: { mb: "MB:0=50" } },
  }, { resctrl });
  assert.deepEqual(ok.errors, []);
  assert.deepEqual(ok.allocations.get("t1")!.rdt, {
    name: "be",
    l3: "L3CODE:0=f;1=f0\nL3DATA:0=f;1=f0",
    mb: "MB:0=30;1=100",
  });
  assert.match(
    ok.allocations.get("t2")!.rdt!.name!,
    /^wca-t2-[0-9a-f]{8}$/,
    "the task's own group by default",
  );
  const table: [Record<string, unknown>, RegExp][] = [
    [
      { l3: "L3:0=fff" },
      /^task t1: rdt .*: L3CODE domain 0: mask 0xfff has bits outside info\/L3CODE\/cbm_mask 0x7ff/,
    ],
    [{ l3: "L3:0=5" }, /non-contiguous 1-bits/],
    [{ l3: "L3:0=0" }, /mask 0 is empty/],
    [{ l3: "L3:2=f" }, /L3CODE domain 2: no such domain/],
    [{ mb: "MB:0=5" }, /^task t1: rdt .*: MB domain 0: 5 is below info\/MB\/min_bandwidth 10/],
    [{ name: "a/b" }, /^task t1: rdt\.name: invalid resctrl group name "a\/b"/],
    [{ name: "be", cache: 1 }, /^task t1: rdt has unknown key "cache"/],
  ];
  for (const [rdt, message] of table) {
    const result = validateAllocations(rdtPlatform, TASKS, { t1: { rdt } } as never, { resctrl });
    assert.equal(result.ok, false, JSON.stringify(rdt));
    assert.ok(
      result.errors.some((e) => message.test(e)),
      `${JSON.stringify(rdt)}: ${result.errors.join("; ")}`,
    );
  }
  const noResctrl = validateAllocations(rdtPlatform, TASKS, { t1: { rdt: { mb: "MB:0=50" } } });
  assert.match(noResctrl.errors[0]!, /resctrl is not mounted/);
});

Deno.test("validateAllocations: control groups are counted against num_closids (the root holds one)", async () => {
  await using host = await resctrlHost("intel_2s_cdp");
  const resctrl = readResctrlInfo(host.paths)!; // 8 CLOSIDs
  const ids = Array.from({ length: 8 }, (_, i) => `t${i}`);
  const many = tasksData(ids.map((id) => task(id)));
  const rdtPlatform = platform({ rdt: { ...RDT_ON, numClosids: 8 } });
  const own = Object.fromEntries(ids.map((id) => [id, { rdt: { mb: "MB:0=50" } }]));
  const tooMany = validateAllocations(rdtPlatform, many, own, { resctrl });
  assert.equal(tooMany.ok, false);
  assert.match(tooMany.errors[0]!, /need 8 control groups plus the root group, but this host has 8 CLOSIDs/);
  const seven = Object.fromEntries(ids.slice(0, 7).map((id) => [id, { rdt: { mb: "MB:0=50" } }]));
  assert.equal(validateAllocations(rdtPlatform, many, seven, { resctrl }).ok, true);
  const shared = Object.fromEntries(ids.map((id) => [id, { rdt: { name: "be", mb: "MB:0=50" } }]));
  assert.equal(validateAllocations(rdtPlatform, many, shared, { resctrl }).ok, true, "one shared group");
  // Groups tasks already hold count too.
  const held = tasksData(
    ids.map((id) => task(id)),
    Object.fromEntries(ids.slice(1).map((id) => [id, { rdt: { name: `g${id}` } }])),
  );
  assert.equal(validateAllocations(rdtPlatform, held, { t0: { rdt: { name: "x" } } }, { resctrl }).ok, false);
});
