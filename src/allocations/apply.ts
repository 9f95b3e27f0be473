/**
 * Applying changesets: a plan of writes per task (pure, from the layout, the current allocations and
 * the changes), then either carried out or, in a dry run, only returned. Only changed values are in a
 * changeset (changeset.ts), so only they are written.
 *
 * Order within a task: cpuset.memory_migrate before cpuset.mems (so a change of mems moves the pages),
 * cpusets, CPU limit and shares, RDT, then migrate_pages.
 *
 * Pods (a task with subcgroups_paths): the pod's cgroup gets cpu_quota and cpu_shares, and its
 * containers' quotas are lifted (-1) so that the pod's governs, as WCA did; cpusets and memory_migrate
 * go to the pod's cgroup and to every container's. On cgroup v1 a child's cpuset must stay inside its
 * parent's, so a narrower set is written to the containers first and a wider one to the pod first.
 */
import type { AllocationType, TaskAllocations } from "../components/decisions.ts";
import type { Task } from "../components/interfaces.ts";
import {
  type CgroupWrite,
  controllerDir,
  type CpuLimit,
  cpuLimitWrites,
  cpusetWrite,
  memoryMigrateWrite,
  readCgroupAllocationFiles,
  sharesWrites,
  writeCgroupFile,
} from "../platform/cgroup/allocation_files.ts";
import { parseIdList } from "../platform/cgroup/formats.ts";
import type { CgroupLayout } from "../platform/cgroup/mounts.ts";
import { readUnlessGone } from "../platform/fs_errors.ts";
import { formatListFormat, parseListFormat } from "../platform/list_format.ts";
import { groupNameFor } from "../platform/resctrl/groups.ts";
import type { ResctrlTaskGroups } from "../platform/resctrl/task_groups.ts";
import { taskThreadIds } from "./read.ts";
import { type AllocationUnits, quotaToKernel, sharesToKernel } from "./units.ts";

/** One write or action, as done (or, in a dry run, as it would be done). */
export interface AllocationWrite {
  readonly task_id: string;
  readonly allocation: AllocationType;
  /** A cgroup file, a resctrl group, or "pid N" for migrate_pages. */
  readonly target: string;
  readonly value: string;
  /** Why this write is as it is (a pod's container: no limit of its own). */
  readonly note?: string;
  /** Set when the value written is not what was asked, because the kernel cannot hold it: why. */
  readonly clamped?: string;
}

export interface PlannedWrite extends AllocationWrite {
  readonly run: () => void;
}

/** migrate_pages(2): pages of `pid` on `from` nodes to `to`; returns pages not moved. */
export type MigratePages = (pid: number, from: readonly number[], to: readonly number[]) => number;

export interface ApplyOptions {
  readonly layout: CgroupLayout;
  /** The tasks by id (TaskData.task). */
  readonly tasks: ReadonlyMap<string, Task>;
  /** What the system holds now (readTaskAllocations), by task id. */
  readonly current: ReadonlyMap<string, TaskAllocations>;
  /** Validated changesets by task id (validateAllocations, then changeset). */
  readonly changes: ReadonlyMap<string, TaskAllocations>;
  readonly units: AllocationUnits;
  /** NUMA node ids of the platform (migrate_pages moves from all the others). */
  readonly numaNodes: readonly number[];
  readonly rdt?: ResctrlTaskGroups;
  /** Required when a change has migrate_pages (ffi's Libc.migratePages). */
  readonly migratePages?: MigratePages;
  /** Validate-and-report mode: nothing is written. */
  readonly dryRun?: boolean;
}

export interface ApplyReport {
  readonly dryRun: boolean;
  /** Done (or, in a dry run, planned) writes, in order. */
  readonly writes: readonly AllocationWrite[];
  /** Writes the kernel refused, each naming the task, the target and the value. */
  readonly errors: readonly string[];
  /**
   * The values of the changesets whose every write was done (in a dry run: planned), by task: what
   * allocations_count counts. A value with one refused write (a pod's container gone) is not in it.
   */
  readonly applied: ReadonlyMap<string, TaskAllocations>;
}

export function applyAllocations(options: ApplyOptions): ApplyReport {
  const writes: AllocationWrite[] = [];
  const errors: string[] = [];
  const applied = new Map<string, TaskAllocations>();
  const schemataDone = new Set<string>();
  for (const [taskId, change] of options.changes) {
    const task = options.tasks.get(taskId);
    if (task === undefined) {
      errors.push(`task ${taskId}: not among this iteration's tasks; its allocations were not applied`);
      continue;
    }
    let plan: PlannedWrite[];
    try {
      plan = planTask(task, change, options, schemataDone);
    } catch (error) {
      errors.push(`task ${taskId}: ${(error as Error).message}`);
      continue;
    }
    const refused = new Set<AllocationType>();
    for (const step of plan) {
      const { run: _run, ...write } = step;
      if (options.dryRun) {
        writes.push(write);
        continue;
      }
      try {
        step.run();
        writes.push(write);
      } catch (error) {
        refused.add(write.allocation);
        errors.push(
          `task ${taskId}: ${write.allocation} ${write.value} → ${write.target}: ${(error as Error).message}`,
        );
      }
    }
    const done = Object.entries(change).filter(([key]) =>
      !refused.has(key as AllocationType) && plan.some((step) => step.allocation === key)
    );
    if (done.length > 0) applied.set(taskId, Object.fromEntries(done) as TaskAllocations);
  }
  return { dryRun: options.dryRun === true, writes, errors, applied };
}

/** The writes for one task, in order; pure except for reading pids and thread ids for RDT and migrate_pages. */
export function planTask(
  task: Task,
  change: TaskAllocations,
  options: ApplyOptions,
  schemataDone: Set<string> = new Set(),
): PlannedWrite[] {
  const { layout } = options;
  const current = options.current.get(task.task_id) ?? {};
  const out: PlannedWrite[] = [];
  const file = (allocation: AllocationType, write: CgroupWrite, note?: string, clamped?: string) =>
    out.push({
      task_id: task.task_id,
      allocation,
      target: write.path,
      value: write.value,
      ...(note === undefined ? {} : { note }),
      ...(clamped === undefined ? {} : { clamped }),
      run: () => writeCgroupFile(write),
    });
  const paths = [task.cgroup_path, ...task.subcgroups_paths];
  if (change.cpuset_memory_migrate !== undefined) {
    for (const path of paths) {
      file("cpuset_memory_migrate", memoryMigrateWrite(layout, path, change.cpuset_memory_migrate));
    }
  }
  for (const [key, name] of [["cpuset_cpus", "cpuset.cpus"], ["cpuset_mems", "cpuset.mems"]] as const) {
    const list = change[key];
    if (list === undefined) continue;
    for (
      const [path, value] of cpusetOrder(
        task,
        current[key],
        list,
        controllerDir(layout, "cpuset", "/")?.version,
      )
    ) {
      file(key, cpusetWrite(layout, path, name, value));
    }
  }
  if (change.cpu_quota !== undefined) {
    const { clamped, ...limit } = quotaToKernel(change.cpu_quota, options.units);
    for (
      const write of cpuLimitWrites(layout, task.cgroup_path, limit, currentLimit(layout, task.cgroup_path))
    ) {
      file("cpu_quota", write, undefined, clamped);
    }
    for (const path of task.subcgroups_paths) {
      const unlimited = { quotaUs: -1, periodUs: limit.periodUs };
      for (const write of cpuLimitWrites(layout, path, unlimited, currentLimit(layout, path))) {
        file("cpu_quota", write, "a container of the pod: no limit of its own, the pod's governs");
      }
    }
  }
  if (change.cpu_shares !== undefined) {
    for (
      const write of sharesWrites(layout, task.cgroup_path, sharesToKernel(change.cpu_shares, options.units))
    ) {
      file("cpu_shares", write);
    }
  }
  const planned = [
    ...(change.rdt === undefined ? [] : planRdt(task, change, current, options, schemataDone)),
    ...(change.migrate_pages === undefined ? [] : planMigrate(task, change.migrate_pages, options)),
  ];
  for (const step of planned) out.push(step);
  return out;
}

/**
 * Cpuset writes for a task and its containers, in an order the v1 hierarchy accepts: narrowing goes to
 * the containers first, anything else to the pod first (as the union of old and new when they overlap
 * only partly, then narrowed after the containers).
 */
export function cpusetOrder(
  task: Pick<Task, "cgroup_path" | "subcgroups_paths">,
  current: string | undefined,
  desired: string,
  version: 1 | 2 | undefined,
): [string, string][] {
  const children = task.subcgroups_paths.map((p) => [p, desired] as [string, string]);
  if (children.length === 0) return [[task.cgroup_path, desired]];
  const want = parseListFormat(desired);
  const have = current === undefined ? undefined : parseListFormat(current);
  if (version === 1 && have !== undefined && want.every((id) => have.includes(id))) {
    return [...children, [task.cgroup_path, desired]];
  }
  if (version === 1 && have !== undefined) {
    const union = formatListFormat([...have, ...want]);
    const widening = union === formatListFormat(want);
    return widening
      ? [[task.cgroup_path, desired], ...children]
      : [[task.cgroup_path, union], ...children, [task.cgroup_path, desired]];
  }
  return [[task.cgroup_path, desired], ...children];
}

function planRdt(
  task: Task,
  change: TaskAllocations,
  current: TaskAllocations,
  options: ApplyOptions,
  schemataDone: Set<string>,
): PlannedWrite[] {
  const rdt = options.rdt;
  const wanted = change.rdt!;
  if (rdt === undefined) throw new Error("rdt allocation asked for, but RDT allocation is not enabled");
  const name = wanted.name ?? groupNameFor(task.cgroup_path);
  const out: PlannedWrite[] = [];
  const base = { task_id: task.task_id, allocation: "rdt" as const };
  if (current.rdt?.name !== name) {
    const group = groupNameFor(task.cgroup_path);
    out.push({
      ...base,
      target: `resctrl control group ${name === "" ? "(root)" : name}`,
      value: `move the task's threads (and its monitoring group ${group})`,
      run: () => {
        const ids = taskThreadIds(options.layout, task);
        if (ids === undefined) throw new Error("the task's cgroup is gone");
        const result = rdt.assign(group, name, ids);
        if (result.monitor?.status === "failed") throw result.monitor.error;
        if (result.write.refused.length > 0) {
          throw new Error(
            `threads refused: ${result.write.refused.map((r) => `${r.id} (${r.reason})`).join(", ")}`,
          );
        }
      },
    });
  }
  const lines = [wanted.l3, wanted.mb].filter((l): l is string => l !== undefined);
  const key = `${name}\n${lines.join("\n")}`;
  if (lines.length > 0 && !schemataDone.has(key)) {
    schemataDone.add(key);
    out.push({
      ...base,
      target: `resctrl control group ${name === "" ? "(root)" : name} schemata`,
      value: lines.join("\n"),
      run: () => {
        rdt.writeSchemata(name, {
          ...(wanted.l3 === undefined ? {} : { l3: wanted.l3 }),
          ...(wanted.mb === undefined ? {} : { mb: wanted.mb }),
        });
      },
    });
  }
  return out;
}

function planMigrate(task: Task, node: number, options: ApplyOptions): PlannedWrite[] {
  const migrate = options.migratePages;
  const from = options.numaNodes.filter((n) => n !== node);
  const pids = new Set<number>();
  for (const path of [task.cgroup_path, ...task.subcgroups_paths]) {
    const dir = controllerDir(options.layout, "cpu", path)?.dir;
    const text = dir === undefined ? undefined : readUnlessGone(`${dir}/cgroup.procs`);
    for (const pid of text === undefined ? [] : parseIdList(text, `${dir}/cgroup.procs`)) pids.add(pid);
  }
  return [...pids].map((pid) => ({
    task_id: task.task_id,
    allocation: "migrate_pages" as const,
    target: `pid ${pid}`,
    value: `node ${node}`,
    run: () => {
      if (migrate === undefined) throw new Error("migrate_pages is not available (no libc binding given)");
      // Everything not on the target node moves; with one node there is nothing to move from.
      migrate(pid, from.length === 0 ? [node] : from, [node]);
    },
  }));
}

function currentLimit(layout: CgroupLayout, path: string): CpuLimit | undefined {
  return readCgroupAllocationFiles(layout, path)?.cpuLimit;
}
