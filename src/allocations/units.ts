/**
 * WCA's normalised allocation values and the kernel's units, both ways. Pure.
 *
 * - cpu_quota is a share of the whole machine: cfs_quota_us = cpu_quota × cpu_quota_period × CPUs, with
 *   cfs_period_us = cpu_quota_period; 1.0 or more is no limit (-1, v2 "max"). The kernel takes no quota
 *   below 1000 µs. WCA raised a smaller quota to 1000 µs (0.25 of 2 CPUs at 1000 µs became a whole
 *   CPU); here the period is lengthened instead, up to the kernel's 1 s, so that quota / period is the
 *   share asked for (to the microsecond). Only a share below 1000 µs per second is clamped, and says so.
 * - cpu_shares is in units of cpu_shares_unit: cpu.shares = trunc(cpu_shares × cpu_shares_unit), at
 *   least 2 (the kernel's minimum), as WCA did.
 */
import { type CpuLimit, PERIOD_MAX_US, QUOTA_MIN_US } from "../platform/cgroup/allocation_files.ts";

export interface AllocationUnits {
  /** Logical CPUs of the machine (Platform.cpus). */
  readonly cpus: number;
  /** AllocationConfiguration.cpu_quota_period, µs. */
  readonly cpuQuotaPeriod: number;
  /** AllocationConfiguration.cpu_shares_unit. */
  readonly cpuSharesUnit: number;
}

/** A CPU limit as written: the period may be longer than cpu_quota_period; `clamped` says why it differs. */
export interface KernelQuota extends CpuLimit {
  /** Set when the kernel cannot hold the share asked for: what was written instead, and why. */
  readonly clamped?: string;
}

/**
 * The quota and period the kernel will hold for a normalised cpu_quota: quota × CPUs of CPU time per
 * period. A quota under 1000 µs at cpu_quota_period gets a longer period (the shortest that holds 1000
 * µs at that rate); past 1 s the quota stays at 1000 µs per second, clamped.
 */
export function quotaToKernel(quota: number, units: AllocationUnits): KernelQuota {
  const periodUs = Math.round(units.cpuQuotaPeriod);
  if (quota > 1.0) {
    return {
      quotaUs: -1,
      periodUs,
      clamped: `cpu_quota ${quota} is more than all ${units.cpus} CPUs: no limit`,
    };
  }
  if (quota === 1.0) return { quotaUs: -1, periodUs };
  const rate = quota * units.cpus; // CPUs
  const exact = Math.trunc(rate * periodUs + 1e-6);
  if (exact >= QUOTA_MIN_US) return { quotaUs: exact, periodUs };
  // The shortest period holding the kernel's minimum quota at this rate (1e-6: 1000 / (1000 / p) is p).
  const longer = rate <= 0 ? Infinity : Math.ceil(QUOTA_MIN_US / rate - 1e-6);
  if (longer <= PERIOD_MAX_US) {
    return {
      quotaUs: Math.max(QUOTA_MIN_US, Math.round(rate * longer)),
      periodUs: Math.max(periodUs, longer),
    };
  }
  return {
    quotaUs: QUOTA_MIN_US,
    periodUs: PERIOD_MAX_US,
    clamped: `cpu_quota ${quota} (${round(rate)} CPU) is below what the kernel can hold: ` +
      `${QUOTA_MIN_US} µs per ${PERIOD_MAX_US} µs (${
        round(QUOTA_MIN_US / PERIOD_MAX_US)
      } CPU) written instead`,
  };
}

function round(value: number): string {
  return String(Number(value.toPrecision(6)));
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
