/**
 * Allocations as metrics, with WCA's names and labels: every value carries `allocation_type` and the
 * task's labels; RDT values also `group_name` and `domain_id` (one series per L3 or MB domain). Pure.
 */
import type { TaskAllocations } from "../components/decisions.ts";
import type { Labels, Metric } from "../metrics/metric.ts";
import { parseListFormat } from "../platform/list_format.ts";
import { parseSchemataLine } from "../platform/resctrl/schemata.ts";

/**
 * The metrics of one task's allocations (what the system holds after applying; in a dry run, what would
 * be applied), with the CFS period its quota is per when known.
 */
export function allocationMetrics(
  allocations: TaskAllocations,
  labels: Labels,
  cpuPeriodUs?: number,
): Metric[] {
  const out: Metric[] = [];
  const add = (name: string, type: string, value: number, extra: Record<string, string> = {}) =>
    out.push({ name, value, labels: { ...labels, allocation_type: type, ...extra }, type: "gauge" });
  if (allocations.cpu_quota !== undefined) add("allocation_cpu_quota", "cpu_quota", allocations.cpu_quota);
  if (cpuPeriodUs !== undefined) add("allocation_cpu_quota_period_seconds", "cpu_quota", cpuPeriodUs / 1e6);
  if (allocations.cpu_shares !== undefined) {
    add("allocation_cpu_shares", "cpu_shares", allocations.cpu_shares);
  }
  if (allocations.cpuset_cpus !== undefined) {
    add("allocation_cpuset_cpus_number_of_cpus", "cpuset_cpus", countList(allocations.cpuset_cpus));
  }
  if (allocations.cpuset_mems !== undefined) {
    add("allocation_cpuset_mems_number_of_mems", "cpuset_mems", countList(allocations.cpuset_mems));
  }
  if (allocations.cpuset_memory_migrate !== undefined) {
    add(
      "allocation_cpuset_memory_migrate",
      "cpuset_memory_migrate",
      allocations.cpuset_memory_migrate ? 1 : 0,
    );
  }
  if (allocations.migrate_pages !== undefined) {
    add("allocation_migrate_pages", "migrate_pages", allocations.migrate_pages);
  }
  const rdt = allocations.rdt;
  if (rdt !== undefined) {
    const group = { group_name: rdt.name ?? "" };
    // With CDP the L3 allocation is two lines (code and data); the first one is shown, as one series.
    const l3 = rdt.l3?.split("\n").find((line) => line.trim() !== "");
    if (l3 !== undefined) {
      for (const [domain, text] of parseSchemataLine(l3, "rdt.l3").values) {
        const mask = BigInt(`0x${text.replace(/^0x/, "")}`);
        const extra = { ...group, domain_id: String(domain) };
        add(
          "allocation_rdt_l3_cache_ways",
          "rdt_l3_cache_ways",
          mask.toString(2).replace(/0/g, "").length,
          extra,
        );
        add("allocation_rdt_l3_mask", "rdt_l3_mask", Number(mask), extra);
      }
    }
    if (rdt.mb !== undefined) {
      for (const [domain, text] of parseSchemataLine(rdt.mb, "rdt.mb").values) {
        add("allocation_rdt_mb", "rdt_mb", Number(text), { ...group, domain_id: String(domain) });
      }
    }
  }
  return out;
}

export interface AllocationStatistics {
  /** Allocation values applied since start (one per task and allocation type written). */
  readonly count: number;
  /** Iterations' validation failures and refused writes since start. */
  readonly errors: number;
  /** Seconds the last allocate() call took; left out when there was none. */
  readonly durationSeconds?: number;
}

/** allocations_count, allocations_errors (counters) and allocation_duration (gauge), as WCA emitted them. */
export function allocationStatisticsMetrics(stats: AllocationStatistics, labels: Labels): Metric[] {
  const out: Metric[] = [
    { name: "allocations_count", value: stats.count, labels: { ...labels }, type: "counter" },
    { name: "allocations_errors", value: stats.errors, labels: { ...labels }, type: "counter" },
  ];
  if (stats.durationSeconds !== undefined) {
    out.push({
      name: "allocation_duration",
      value: stats.durationSeconds,
      labels: { ...labels },
      type: "gauge",
    });
  }
  return out;
}

/** Allocation values in a changeset or report: what allocations_count adds. */
export function countAllocations(changes: Iterable<TaskAllocations>): number {
  let n = 0;
  for (const change of changes) n += Object.keys(change).length;
  return n;
}

function countList(text: string): number {
  try {
    return parseListFormat(text).length;
  } catch {
    return 0;
  }
}
