/**
 * One iteration's allocations, end to end, as AllocationRunner runs them: validate everything the
 * allocator asked for (one invalid value: nothing is applied), reduce each task's request to what
 * differs from what the system holds, then apply those values (or, in a dry run, only report them).
 */
import type { TaskAllocations, TasksAllocations } from "../components/decisions.ts";
import type { Task } from "../components/interfaces.ts";
import type { Platform, TasksData } from "../components/snapshot.ts";
import { controllerDir } from "../platform/cgroup/allocation_files.ts";
import type { CgroupLayout } from "../platform/cgroup/mounts.ts";
import type { ResctrlTaskGroups } from "../platform/resctrl/task_groups.ts";
import { type AllocationWrite, applyAllocations, type MigratePages } from "./apply.ts";
import { changeset, isEmptyChangeset } from "./changeset.ts";
import {
  type AllocationConfigLike,
  type HeldAllocations,
  type ReadAllocationsOptions,
  readHeldAllocations,
} from "./read.ts";
import { quotaToKernel } from "./units.ts";
import { validateAllocations } from "./validate.ts";

export interface AllocateOptions {
  readonly platform: Platform;
  /** Tasks with their current allocations (TaskData.allocations, from readTaskAllocations). */
  readonly tasksData: TasksData;
  readonly desired: TasksAllocations;
  readonly layout: CgroupLayout;
  readonly config: AllocationConfigLike;
  readonly rdt?: ResctrlTaskGroups;
  readonly migratePages?: MigratePages;
  readonly dryRun?: boolean;
}

export interface AllocateResult {
  /** False when validation refused the allocations: nothing was applied. */
  readonly valid: boolean;
  /** Validation errors or refused writes; each counts once in allocations_errors. */
  readonly errors: readonly string[];
  /** The changed values per task (what was to be applied). */
  readonly changes: ReadonlyMap<string, TaskAllocations>;
  /** The changed values whose every write was done (in a dry run: would be); allocations_count. */
  readonly applied: ReadonlyMap<string, TaskAllocations>;
  readonly writes: readonly AllocationWrite[];
  readonly dryRun: boolean;
}

export function allocate(options: AllocateOptions): AllocateResult {
  const { platform, tasksData } = options;
  const dryRun = options.dryRun === true;
  const validated = validateAllocations(platform, tasksData, options.desired, {
    ...(options.rdt === undefined ? {} : { resctrl: options.rdt.info }),
    cpuSharesUnit: options.config.cpu_shares_unit,
  });
  if (!validated.ok) {
    return {
      valid: false,
      errors: validated.errors,
      changes: new Map(),
      applied: new Map(),
      writes: [],
      dryRun,
    };
  }
  const units = {
    cpus: platform.cpus,
    cpuQuotaPeriod: options.config.cpu_quota_period,
    cpuSharesUnit: options.config.cpu_shares_unit,
    cpuVersion: controllerDir(options.layout, "cpu", "/")?.version,
  };
  const changes = new Map<string, TaskAllocations>();
  const current = new Map<string, TaskAllocations>();
  for (const [taskId, desired] of validated.allocations) {
    const now = tasksData.get(taskId)?.allocations;
    if (now !== undefined) current.set(taskId, now);
    const change = changeset(now, desired, units);
    if (!isEmptyChangeset(change)) changes.set(taskId, change);
  }
  const report = applyAllocations({
    layout: options.layout,
    tasks: new Map([...tasksData].map(([id, data]) => [id, data.task])),
    current,
    changes,
    units,
    numaNodes: platform.numaNodes.length === 0 ? [0] : platform.numaNodes.map((n) => n.id),
    ...(options.rdt === undefined ? {} : { rdt: options.rdt }),
    ...(options.migratePages === undefined ? {} : { migratePages: options.migratePages }),
    dryRun,
  });
  return {
    valid: true,
    errors: report.errors,
    changes,
    applied: report.applied,
    writes: report.writes,
    dryRun,
  };
}

/**
 * What a task holds after an iteration's allocations, read back from the system (a write that failed
 * shows as what is there, not as what was asked), with the migrate_pages just done, which is an action
 * the system does not show. In a dry run nothing was written: what would have been, over what is there.
 */
export function heldAfter(
  layout: CgroupLayout,
  task: Task,
  config: AllocationConfigLike,
  options: ReadAllocationsOptions & { readonly applied?: TaskAllocations; readonly dryRun?: boolean },
): HeldAllocations | undefined {
  const held = readHeldAllocations(layout, task, config, options);
  const applied = options.applied;
  if (held === undefined || applied === undefined) return held;
  if (!options.dryRun) {
    if (applied.migrate_pages === undefined) return held;
    return { ...held, allocations: { ...held.allocations, migrate_pages: applied.migrate_pages } };
  }
  const units = {
    cpus: options.cpus,
    cpuQuotaPeriod: config.cpu_quota_period,
    cpuSharesUnit: config.cpu_shares_unit,
  };
  const period = applied.cpu_quota === undefined
    ? held.cpuPeriodUs
    : quotaToKernel(applied.cpu_quota, units).periodUs;
  return {
    allocations: { ...held.allocations, ...applied },
    ...(period === undefined ? {} : { cpuPeriodUs: period }),
  };
}
