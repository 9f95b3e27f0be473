/**
 * What must be written to get from the current allocations to the desired ones: only the values that
 * differ. Pure.
 *
 * Numbers are compared as the kernel will hold them when `units` is given (the quota in µs, shares as
 * cpu.shares, or as cpu.weight on cgroup v2), so a value the kernel rounds is not rewritten every
 * iteration; without units they are compared as numbers (1e-9 apart counts as equal). Cpusets compare
 * as sets ("0-1" = "0,1"). migrate_pages is an action, not a state the system shows: it is always part
 * of the changeset when asked for. rdt: a different group means the whole rdt allocation (the task
 * moves); the same group means only the L3/MB lines with a domain whose value differs.
 */
import type { RdtAllocation, TaskAllocations } from "../components/decisions.ts";
import { sharesToWeight } from "../platform/cgroup/allocation_files.ts";
import { parseListFormat } from "../platform/list_format.ts";
import { parseSchemata } from "../platform/resctrl/schemata.ts";
import { type AllocationUnits, quotaToKernel, sharesToKernel } from "./units.ts";

export interface ChangesetUnits extends AllocationUnits {
  /** cgroup version of the cpu controller: shares compare as cpu.weight on v2. */
  readonly cpuVersion?: 1 | 2;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function changeset(
  current: TaskAllocations | undefined,
  desired: TaskAllocations,
  units?: ChangesetUnits,
): TaskAllocations {
  const now = current ?? {};
  const out: Mutable<TaskAllocations> = {};
  if (desired.cpu_quota !== undefined && !sameQuota(now.cpu_quota, desired.cpu_quota, units)) {
    out.cpu_quota = desired.cpu_quota;
  }
  if (desired.cpu_shares !== undefined && !sameShares(now.cpu_shares, desired.cpu_shares, units)) {
    out.cpu_shares = desired.cpu_shares;
  }
  if (desired.cpuset_cpus !== undefined && !sameList(now.cpuset_cpus, desired.cpuset_cpus)) {
    out.cpuset_cpus = desired.cpuset_cpus;
  }
  if (desired.cpuset_mems !== undefined && !sameList(now.cpuset_mems, desired.cpuset_mems)) {
    out.cpuset_mems = desired.cpuset_mems;
  }
  if (
    desired.cpuset_memory_migrate !== undefined && now.cpuset_memory_migrate !== desired.cpuset_memory_migrate
  ) {
    out.cpuset_memory_migrate = desired.cpuset_memory_migrate;
  }
  if (desired.migrate_pages !== undefined) out.migrate_pages = desired.migrate_pages;
  if (desired.rdt !== undefined) {
    const rdt = rdtChangeset(now.rdt, desired.rdt);
    if (rdt !== undefined) out.rdt = rdt;
  }
  return out;
}

/** Whether a changeset has nothing to write. */
export function isEmptyChangeset(allocations: TaskAllocations): boolean {
  return Object.keys(allocations).length === 0;
}

function sameQuota(current: number | undefined, desired: number, units?: ChangesetUnits): boolean {
  if (current === undefined) return false;
  if (units === undefined) return Math.abs(current - desired) <= 1e-9;
  const a = quotaToKernel(current, units);
  const b = quotaToKernel(desired, units);
  return a.quotaUs === b.quotaUs && a.periodUs === b.periodUs;
}

function sameShares(current: number | undefined, desired: number, units?: ChangesetUnits): boolean {
  if (current === undefined) return false;
  if (units === undefined) return Math.abs(current - desired) <= 1e-9;
  // Read back as shares / unit: round, not truncate, to undo the division exactly.
  const a = Math.max(2, Math.round(current * units.cpuSharesUnit));
  const b = sharesToKernel(desired, units);
  return units.cpuVersion === 2 ? sharesToWeight(a) === sharesToWeight(b) : a === b;
}

function sameList(current: string | undefined, desired: string): boolean {
  if (current === undefined) return false;
  try {
    return parseListFormat(current).join(",") === parseListFormat(desired).join(",");
  } catch {
    return false;
  }
}

/** Domain values of the lines, keyed "RESOURCE:domain", as numbers (masks as bigint). */
function domainValues(lines: string | undefined): Map<string, bigint> {
  const out = new Map<string, bigint>();
  if (lines === undefined) return out;
  for (const [resource, values] of parseSchemata(lines, "rdt")) {
    for (const [domain, text] of values) {
      const value = resource === "MB" ? BigInt(text.trim()) : BigInt(`0x${text.trim().replace(/^0x/, "")}`);
      out.set(`${resource}:${domain}`, value);
    }
  }
  return out;
}

function linesDiffer(current: string | undefined, desired: string): boolean {
  const now = domainValues(current);
  for (const [key, value] of domainValues(desired)) if (now.get(key) !== value) return true;
  return false;
}

/** `name` in both is the resolved group name (see rdtGroupName) when the caller resolved it. */
function rdtChangeset(current: RdtAllocation | undefined, desired: RdtAllocation): RdtAllocation | undefined {
  if (current === undefined || current.name !== desired.name) return desired;
  const l3 = desired.l3 !== undefined && linesDiffer(current.l3, desired.l3) ? desired.l3 : undefined;
  const mb = desired.mb !== undefined && linesDiffer(current.mb, desired.mb) ? desired.mb : undefined;
  if (l3 === undefined && mb === undefined) return undefined;
  return {
    ...(desired.name === undefined ? {} : { name: desired.name }),
    ...(l3 === undefined ? {} : { l3 }),
    ...(mb === undefined ? {} : { mb }),
  };
}
