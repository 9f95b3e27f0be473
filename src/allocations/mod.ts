/**
 * Allocations: reading what tasks hold, validating what an allocator asks for, changesets, applying
 * (cgroup v1/v2, resctrl, migrate_pages) and the allocation metrics. AllocationRunner calls `allocate`
 * once per iteration after `readTaskAllocations` for every task.
 */
export { AllocationConfiguration, type AllocationConfigurationParams } from "./configuration.ts";
export {
  type AllocationWrite,
  applyAllocations,
  type ApplyOptions,
  type ApplyReport,
  cpusetOrder,
  type MigratePages,
  planTask,
} from "./apply.ts";
export { changeset, type ChangesetUnits, isEmptyChangeset } from "./changeset.ts";
export {
  allocationMetrics,
  type AllocationStatistics,
  allocationStatisticsMetrics,
  countAllocations,
} from "./metrics.ts";
export { allocate, type AllocateOptions, type AllocateResult, heldAfter } from "./pipeline.ts";
export {
  type AllocationConfigLike,
  type HeldAllocations,
  type ReadAllocationsOptions,
  readHeldAllocations,
  readTaskAllocations,
  taskThreadIds,
} from "./read.ts";
export {
  type AllocationUnits,
  type KernelQuota,
  kernelToQuota,
  kernelToShares,
  quotaToKernel,
  sharesToKernel,
} from "./units.ts";
export {
  allocationEntries,
  rdtGroupName,
  validateAllocations,
  type ValidationOptions,
  type ValidationResult,
} from "./validate.ts";
