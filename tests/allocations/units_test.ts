import assert from "node:assert/strict";
import { kernelToQuota, kernelToShares, quotaToKernel, sharesToKernel } from "../../src/allocations/units.ts";

const UNITS = { cpus: 2, cpuQuotaPeriod: 100000, cpuSharesUnit: 1000 };

Deno.test("quotaToKernel: quota × period × CPUs; 1.0 no limit; a longer period where the kernel's 1000 µs needs it", () => {
  const at1ms = { ...UNITS, cpuQuotaPeriod: 1000 };
  const table: [number, typeof UNITS, number, number][] = [
    [0.25, UNITS, 50000, 100000],
    [0.5, UNITS, 100000, 100000],
    [1.0, UNITS, -1, 100000],
    [0.999, UNITS, 199800, 100000],
    [0.25, at1ms, 1000, 2000], // 500 µs per 1000 µs asked: the same half CPU as 1000 per 2000 (WCA: a whole CPU)
    [0.75, at1ms, 1500, 1000],
    [0.15, at1ms, 1000, 3334], // 0.3 CPU: 1000 / 3334 = 0.29994, to the microsecond
    [0.0005, at1ms, 1000, 1000000], // 0.001 CPU: the longest period
    [0.004, UNITS, 1000, 125000], // 800 µs per 100 ms: 1000 per 125 ms
  ];
  for (const [quota, units, quotaUs, periodUs] of table) {
    assert.deepEqual(quotaToKernel(quota, units), { quotaUs, periodUs }, `${quota} ${JSON.stringify(units)}`);
    if (quotaUs > 0) {
      assert.ok(
        Math.abs(kernelToQuota({ quotaUs, periodUs }, units.cpus) - quota) < 5e-4 * quota,
        "the share asked",
      );
    }
  }
});

Deno.test("quotaToKernel: a share the kernel cannot hold is clamped and says why", () => {
  const clamped = quotaToKernel(0.0001, { ...UNITS, cpuQuotaPeriod: 1000 });
  assert.deepEqual([clamped.quotaUs, clamped.periodUs], [1000, 1000000]);
  assert.equal(
    clamped.clamped,
    "cpu_quota 0.0001 (0.0002 CPU) is below what the kernel can hold: 1000 µs per 1000000 µs (0.001 CPU) written instead",
  );
  assert.match(quotaToKernel(0, UNITS).clamped!, /^cpu_quota 0 \(0 CPU\) is below/);
  const above = quotaToKernel(1.5, UNITS);
  assert.deepEqual([above.quotaUs, above.clamped], [-1, "cpu_quota 1.5 is more than all 2 CPUs: no limit"]);
});

Deno.test("kernelToQuota: quota / period / CPUs; -1 is 1.0", () => {
  assert.equal(kernelToQuota({ quotaUs: 50000, periodUs: 100000 }, 2), 0.25);
  assert.equal(kernelToQuota({ quotaUs: -1, periodUs: 100000 }, 2), 1.0);
  assert.equal(
    kernelToQuota({ quotaUs: 400000, periodUs: 100000 }, 2),
    2,
    "more than the machine is shown as is",
  );
});

Deno.test("shares: × cpu_shares_unit truncated, at least 2; back as shares / unit", () => {
  assert.equal(sharesToKernel(2, UNITS), 2000);
  assert.equal(sharesToKernel(0.0015, UNITS), 2);
  assert.equal(sharesToKernel(1.2345, UNITS), 1234);
  assert.equal(kernelToShares(2000, UNITS), 2);
});
