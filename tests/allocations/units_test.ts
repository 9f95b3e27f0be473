import assert from "node:assert/strict";
import { kernelToQuota, kernelToShares, quotaToKernel, sharesToKernel } from "../../src/allocations/units.ts";

const UNITS = { cpus: 2, cpuQuotaPeriod: 100000, cpuSharesUnit: 1000 };

Deno.test("quotaToKernel: quota × period × CPUs; 1.0 and above no limit; raised to the kernel's 1000 µs", () => {
  const table: [number, typeof UNITS, number, number, boolean][] = [
    [0.25, UNITS, 50000, 100000, false],
    [0.5, UNITS, 100000, 100000, false],
    [1.0, UNITS, -1, 100000, false],
    [0.999, UNITS, 199800, 100000, false],
    [0, UNITS, 1000, 100000, true],
    [0.25, { ...UNITS, cpuQuotaPeriod: 1000 }, 1000, 1000, true], // 500 µs asked: raised, as WCA did
    [0.75, { ...UNITS, cpuQuotaPeriod: 1000 }, 1500, 1000, false],
  ];
  for (const [quota, units, quotaUs, periodUs, raised] of table) {
    assert.deepEqual(
      quotaToKernel(quota, units),
      { quotaUs, periodUs, raised },
      `${quota} ${JSON.stringify(units)}`,
    );
  }
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
