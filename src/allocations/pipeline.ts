/**
 * One iteration's allocations, end to end, as AllocationRunner runs them: validate everything the
 * allocator asked for (one invalid value: nothing is applied), reduce each task's request to what
 * differs from what the system holds, then apply those values (or, in a dry run, only report them).
 */
import type { TaskAllocations, TasksAllocations } from "../components/decisions.ts";
import type { Platform, TasksData } from "../components/snapshot.ts";
import { controllerDir } from "../platform/cgroup/allocation_files.ts";
import type { CgroupLayout } from "../platform/cgroup/mounts.ts";
import type { ResctrlTaskGroups } from "../platform/resctrl/task_groups.ts";
import { type AllocationWrite, applyAllocations, type MigratePages } from "./apply.ts";
import { changeset, isEmptyChangeset } from "./changeset.ts";
import type { AllocationConfigLike } from "./read.ts";
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
  /** The changed values per task (what was, or in a dry run would be, applied). */
  readonly changes: ReadonlyMap<string, TaskAllocations>;
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
    return { valid: false, errors: validated.errors, changes: new Map(), writes: [], dryRun };
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
  return { valid: true, errors: report.errors, changes, writes: report.writes, dryRun };
}
