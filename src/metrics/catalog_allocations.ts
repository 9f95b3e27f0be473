/** Catalog entries of allocations (AllocationRunner): what each task holds, and the runner's statistics. */
import { type Catalog, entry } from "./catalog_entry.ts";

const READ_BACK = "cgroup, read back every iteration";

export const ALLOCATIONS_CATALOG: Catalog = Object.freeze({
  allocation_cpu_quota: entry(
    "gauge",
    "numeric",
    `${READ_BACK}: v1 cpu.cfs_quota_us / cpu.cfs_period_us, v2 cpu.max; divided by the CPUs`,
    "CPU limit of the task as a share of the whole machine (1 = no limit).",
  ),
  allocation_cpu_quota_period_seconds: entry(
    "gauge",
    "seconds",
    `${READ_BACK}: v1 cpu.cfs_period_us, v2 cpu.max`,
    "CFS period the task's quota is per: cpu_quota_period, or longer where a quota under 1 ms needs it.",
  ),
  allocation_cpu_shares: entry(
    "gauge",
    "numeric",
    `${READ_BACK}: v1 cpu.shares, v2 cpu.weight as shares; divided by cpu_shares_unit`,
    "CPU weight of the task in units of cpu_shares_unit.",
  ),
  allocation_cpuset_cpus_number_of_cpus: entry(
    "gauge",
    "numeric",
    `${READ_BACK}: cpuset.cpus`,
    "CPUs the task may run on.",
  ),
  allocation_cpuset_mems_number_of_mems: entry(
    "gauge",
    "numeric",
    `${READ_BACK}: cpuset.mems`,
    "NUMA nodes the task may allocate memory on.",
  ),
  allocation_cpuset_memory_migrate: entry(
    "gauge",
    "numeric",
    `${READ_BACK}: v1 cpuset.memory_migrate`,
    "1 when the task's pages move with a change of cpuset.mems, else 0.",
  ),
  allocation_migrate_pages: entry(
    "gauge",
    "numeric",
    "allocator: migrate_pages(2) target",
    "NUMA node the task's pages were last moved to with migrate_pages.",
  ),
  allocation_rdt_l3_cache_ways: entry(
    "gauge",
    "numeric",
    "resctrl: schemata L3 line of the task's control group, per domain",
    "Cache ways (bits set in the L3 mask) of the task's resctrl control group.",
  ),
  allocation_rdt_l3_mask: entry(
    "gauge",
    "numeric",
    "resctrl: schemata L3 line of the task's control group, per domain",
    "L3 cache way mask of the task's resctrl control group, as an integer.",
  ),
  allocation_rdt_mb: entry(
    "gauge",
    "numeric",
    "resctrl: schemata MB line of the task's control group, per domain",
    "Memory bandwidth limit of the task's resctrl control group (percent, or MBps with mba_MBps).",
  ),
  allocations_count: entry(
    "counter",
    "numeric",
    "AllocationRunner",
    "Allocation values applied since start (one per task and allocation type written).",
  ),
  allocations_errors: entry(
    "counter",
    "numeric",
    "AllocationRunner",
    "Iterations since start with an allocation failure, counted once each: allocate() failed or its reply was " +
      "refused, an allocation was invalid, a write was refused.",
  ),
  allocation_duration: entry(
    "gauge",
    "seconds",
    "AllocationRunner",
    "Seconds the allocator's last allocate() call took.",
  ),
});
