import assert from "node:assert/strict";
import { changeset, isEmptyChangeset } from "../../src/allocations/changeset.ts";
import type { TaskAllocations } from "../../src/components/decisions.ts";

const UNITS = { cpus: 2, cpuQuotaPeriod: 1000, cpuSharesUnit: 1000 };

Deno.test("changeset: only the values that differ", () => {
  const table: [TaskAllocations | undefined, TaskAllocations, TaskAllocations][] = [
    [undefined, { cpu_quota: 0.5 }, { cpu_quota: 0.5 }],
    [{ cpu_quota: 0.5, cpu_shares: 1 }, { cpu_quota: 0.5, cpu_shares: 2 }, { cpu_shares: 2 }],
    [{ cpuset_cpus: "0,1" }, { cpuset_cpus: "0-1" }, {}],
    [{ cpuset_cpus: "0-1" }, { cpuset_cpus: "0" }, { cpuset_cpus: "0" }],
    [{ cpuset_mems: "0" }, { cpuset_mems: "0" }, {}],
    [{ cpuset_memory_migrate: false }, { cpuset_memory_migrate: true }, { cpuset_memory_migrate: true }],
    [{ cpuset_memory_migrate: true }, { cpuset_memory_migrate: true }, {}],
    [{}, { migrate_pages: 0 }, { migrate_pages: 0 }],
    [{ migrate_pages: 0 } as TaskAllocations, { migrate_pages: 0 }, { migrate_pages: 0 }],
    [{ cpu_quota: 0.25 }, {}, {}],
  ];
  for (const [current, desired, expected] of table) {
    assert.deepEqual(
      changeset(current, desired),
      expected,
      `${JSON.stringify(current)} → ${JSON.stringify(desired)}`,
    );
  }
  assert.equal(isEmptyChangeset(changeset({ cpu_quota: 1 }, { cpu_quota: 1 })), true);
});

Deno.test("changeset with units: numbers compare as the kernel holds them, so a clamped quota is not rewritten", () => {
  // 0.25 × 2 CPUs at 1000 µs is 500 µs: 1000 µs per 2000 µs, read back as exactly 0.25.
  assert.deepEqual(changeset({ cpu_quota: 0.25 }, { cpu_quota: 0.25 }, UNITS), {});
  assert.deepEqual(changeset({ cpu_quota: 0.5 }, { cpu_quota: 0.25 }, UNITS), { cpu_quota: 0.25 });
  // 0 and 0.0001 are both below 1000 µs per second: clamped to it, read back as 0.0005 of 2 CPUs.
  assert.deepEqual(changeset({ cpu_quota: 0.0005 }, { cpu_quota: 0 }, UNITS), {});
  assert.deepEqual(changeset({ cpu_quota: 0.0005 }, { cpu_quota: 0.0001 }, UNITS), {});
  assert.deepEqual(
    changeset({ cpu_quota: 0.5 }, { cpu_quota: 0.25 }),
    { cpu_quota: 0.25 },
    "without units: numbers",
  );
  assert.deepEqual(changeset({ cpu_quota: 1.3 }, { cpu_quota: 1 }, UNITS), {}, "both unlimited");
  assert.deepEqual(changeset({ cpu_quota: 0.6 }, { cpu_quota: 0.7 }, UNITS), { cpu_quota: 0.7 });
  // Shares 1.0001 and 1.0 are both 1000 cpu.shares.
  assert.deepEqual(changeset({ cpu_shares: 1 }, { cpu_shares: 1.0001 }, UNITS), {});
  // On v2 both are compared as cpu.weight: 1000 and 1010 shares are weight 39 both.
  assert.deepEqual(changeset({ cpu_shares: 1 }, { cpu_shares: 1.01 }, { ...UNITS, cpuVersion: 2 }), {});
  assert.deepEqual(changeset({ cpu_shares: 1 }, { cpu_shares: 1.01 }, { ...UNITS, cpuVersion: 1 }), {
    cpu_shares: 1.01,
  });
});

Deno.test("changeset rdt: another group moves the task with every line; the same group writes changed lines only", () => {
  const current = { rdt: { name: "be", l3: "L3:0=00f;1=fff", mb: "MB:0=100;1=100" } };
  assert.deepEqual(changeset(current, { rdt: { name: "lc", l3: "L3:0=f" } }), {
    rdt: { name: "lc", l3: "L3:0=f" },
  });
  assert.deepEqual(
    changeset(current, { rdt: { name: "be", l3: "L3:0=f", mb: "MB:1=100" } }),
    {},
    "0x00f = 0xf",
  );
  assert.deepEqual(
    changeset(current, { rdt: { name: "be", l3: "L3:1=ff", mb: "MB:0=100" } }),
    { rdt: { name: "be", l3: "L3:1=ff" } },
  );
  assert.deepEqual(changeset(current, { rdt: { name: "be", mb: "MB:0=50" } }), {
    rdt: { name: "be", mb: "MB:0=50" },
  });
  assert.deepEqual(changeset(undefined, { rdt: { name: "" } }), { rdt: { name: "" } }, "first sight: placed");
  const cdp = { rdt: { name: "be", l3: "L3CODE:0=f\nL3DATA:0=f" } };
  assert.deepEqual(changeset(cdp, { rdt: { name: "be", l3: "L3CODE:0=f\nL3DATA:0=f" } }), {});
  assert.deepEqual(changeset(cdp, { rdt: { name: "be", l3: "L3CODE:0=3\nL3DATA:0=3" } }), {
    rdt: { name: "be", l3: "L3CODE:0=3\nL3DATA:0=3" },
  });
});
