/**
 * WCA's normalised allocation values and the kernel's units, both ways. Pure.
 *
 * - cpu_quota is a share of the whole machine: cfs_quota_us = cpu_quota × cpu_quota_period × CPUs, with
 *   cfs_period_us = cpu_quota_period; 1.0 or more is no limit (-1, v2 "max"). The kernel takes no quota
 *   below 1000 µs: a smaller result is raised to 1000, as WCA did, and reported.
 * - cpu_shares is in units of cpu_shares_unit: cpu.shares = trunc(cpu_shares × cpu_shares_unit), at
 *   least 2 (the kernel's minimum), as WCA did.
 */
import { type CpuLimit, QUOTA_MIN_US } from "../platform/cgroup/allocation_files.ts";

export interface AllocationUnits {
  /** Logical CPUs of the machine (Platform.cpus). */
  readonly cpus: number;
  /** AllocationConfiguration.cpu_quota_period, µs. */
  readonly cpuQuotaPeriod: number;
  /** AllocationConfiguration.cpu_shares_unit. */
  readonly cpuSharesUnit: number;
}

/** The quota the kernel will hold for a normalised cpu_quota; `raised` when lifted to 1000 µs. */
export function quotaToKernel(
  quota: number,
  units: AllocationUnits,
): CpuLimit & { readonly raised: boolean } {
  const periodUs = Math.round(units.cpuQuotaPeriod);
  if (quota >= 1.0) return { quotaUs: -1, periodUs, raised: false };
  const exact = Math.trunc(quota * units.cpuQuotaPeriod * units.cpus);
  return exact < QUOTA_MIN_US
    ? { quotaUs: QUOTA_MIN_US, periodUs, raised: true }
    : { quotaUs: exact, periodUs, raised: false };
}

/** The normalised cpu_quota a CPU limit means: quota / period / CPUs; no limit is 1.0. */
export function kernelToQuota(limit: CpuLimit, cpus: number): number {
  if (limit.quotaUs < 0) return 1.0;
  return limit.quotaUs / limit.periodUs / cpus;
}

export function sharesToKernel(shares: number, units: Pick<AllocationUnits, "cpuSharesUnit">): number {
  return Math.max(2, Math.trunc(shares * units.cpuSharesUnit));
}

export function kernelToShares(shares: number, units: Pick<AllocationUnits, "cpuSharesUnit">): number {
  return shares / units.cpuSharesUnit;
}
