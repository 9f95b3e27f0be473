/**
 * Validation of what an allocator asks for, following WCA's rules and doing better where WCA let a bad
 * value through to the kernel. Pure: reads only the platform, the tasks and resctrl's info.
 *
 * One invalid value makes the whole iteration's allocations invalid (the caller applies none and counts
 * the iteration in `allocations_errors`); every problem is listed, each naming the task, the field and
 * the value. The caller bounds the reply's size first (checkAllocationResult's limit).
 *
 * Beyond WCA: cpu_shares is checked against the kernel's largest cpu.shares (262144); an empty cpuset is
 * refused (the kernel refuses it for a cgroup with tasks); cpusets must name online CPUs and existing
 * NUMA nodes, not just ids below the count; RDT MB values come back rounded to bandwidth_gran as the
 * kernel will hold them (WCA computed the rounded line and dropped it). The rdt group is named in the
 * result (rdt.name: the given name, or the task's own group), so later steps compare real names.
 */
import type { RdtAllocation, TaskAllocations, TasksAllocations } from "../components/decisions.ts";
import type { Platform, TasksData } from "../components/snapshot.ts";
import { SHARES_MAX } from "../platform/cgroup/allocation_files.ts";
import { parseListFormat } from "../platform/list_format.ts";
import { checkGroupName, groupNameFor } from "../platform/resctrl/groups.ts";
import type { Task } from "../components/interfaces.ts";
import { SchemataError, validateSchemata } from "../platform/resctrl/schemata.ts";
import type { ResctrlInfo } from "../platform/resctrl/types.ts";

export interface ValidationOptions {
  /** resctrl's info, needed to validate `rdt`; without it an rdt allocation is refused. */
  readonly resctrl?: ResctrlInfo;
  /** cpu_shares_unit, to check cpu_shares against the kernel's maximum. Default 1000 (WCA's). */
  readonly cpuSharesUnit?: number;
}

export interface ValidationResult {
  readonly ok: boolean;
  readonly errors: readonly string[];
  /** The allocations as they will be written (RDT lines normalised, MB rounded); empty when not ok. */
  readonly allocations: ReadonlyMap<string, TaskAllocations>;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const KEYS: ReadonlySet<string> = new Set([
  "cpu_quota",
  "cpu_shares",
  "cpuset_cpus",
  "cpuset_mems",
  "cpuset_memory_migrate",
  "migrate_pages",
  "rdt",
]);

/** Map or record of allocations by task id, as entries. */
export function allocationEntries(desired: TasksAllocations): [string, TaskAllocations][] {
  return desired instanceof Map ? [...desired] : Object.entries(desired as Record<string, TaskAllocations>);
}

export function validateAllocations(
  platform: Platform,
  tasksData: TasksData,
  desired: TasksAllocations,
  options: ValidationOptions = {},
): ValidationResult {
  const errors: string[] = [];
  const out = new Map<string, TaskAllocations>();
  if (desired === null || typeof desired !== "object") {
    return invalid([`allocations: expected a mapping of task id to allocations, got ${show(desired)}`]);
  }
  for (const [taskId, value] of allocationEntries(desired)) {
    const at = `task ${taskId}`;
    if (!tasksData.has(taskId)) {
      errors.push(`${at}: no such task this iteration (known: ${someKeys(tasksData)})`);
      continue;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      errors.push(`${at}: expected a mapping of allocation type to value, got ${show(value)}`);
      continue;
    }
    const normalised = validateTask(at, value as Record<string, unknown>, platform, options, errors);
    if (normalised?.rdt !== undefined) {
      // The group is named here, so changesets and metrics compare and show the real group name.
      normalised.rdt = { ...normalised.rdt, name: rdtGroupName(tasksData.get(taskId)!.task, normalised.rdt) };
    }
    if (normalised !== undefined) out.set(taskId, normalised);
  }
  countClosids(tasksData, out, platform, options, errors);
  return errors.length > 0 ? invalid(errors) : { ok: true, errors: [], allocations: out };
}

function invalid(errors: string[]): ValidationResult {
  return { ok: false, errors, allocations: new Map() };
}

function validateTask(
  at: string,
  value: Record<string, unknown>,
  platform: Platform,
  options: ValidationOptions,
  errors: string[],
): Mutable<TaskAllocations> | undefined {
  const before = errors.length;
  const out: Mutable<TaskAllocations> = {};
  for (const key of Object.keys(value)) {
    if (!KEYS.has(key)) {
      errors.push(`${at}: unknown allocation type ${show(key)} (known: ${[...KEYS].join(", ")})`);
    }
  }
  const v = value as TaskAllocations & Record<string, unknown>;
  if (v.cpu_quota !== undefined) {
    if (!isNumber(v.cpu_quota) || v.cpu_quota < 0 || v.cpu_quota > 1) {
      errors.push(
        `${at}: cpu_quota ${show(v.cpu_quota)} is out of range: expected a number from 0 to 1 ` +
          "(a share of the whole machine; 1 = no limit)",
      );
    } else out.cpu_quota = v.cpu_quota;
  }
  if (v.cpu_shares !== undefined) {
    const unit = options.cpuSharesUnit ?? 1000;
    if (!isNumber(v.cpu_shares) || v.cpu_shares < 0) {
      errors.push(`${at}: cpu_shares ${show(v.cpu_shares)} is out of range: expected a number >= 0`);
    } else if (v.cpu_shares * unit > SHARES_MAX) {
      errors.push(
        `${at}: cpu_shares ${v.cpu_shares} is ${Math.trunc(v.cpu_shares * unit)} cpu.shares with ` +
          `cpu_shares_unit ${unit}; the kernel takes at most ${SHARES_MAX} (cpu_shares <= ${
            SHARES_MAX / unit
          })`,
      );
    } else out.cpu_shares = v.cpu_shares;
  }
  const cpus = listField(at, "cpuset_cpus", v.cpuset_cpus, platform.onlineCpus, "online CPUs", errors);
  if (cpus !== undefined) out.cpuset_cpus = cpus;
  const nodes = numaNodeIds(platform);
  const mems = listField(at, "cpuset_mems", v.cpuset_mems, nodes, "NUMA nodes", errors);
  if (mems !== undefined) out.cpuset_mems = mems;
  if (v.cpuset_memory_migrate !== undefined) {
    const m: unknown = v.cpuset_memory_migrate;
    if (m === true || m === false || m === 0 || m === 1) out.cpuset_memory_migrate = m === true || m === 1;
    else errors.push(`${at}: cpuset_memory_migrate ${show(m)} is invalid: expected true/false (or 1/0)`);
  }
  if (v.migrate_pages !== undefined) {
    const node: unknown = v.migrate_pages;
    if (!Number.isInteger(node) || !nodes.includes(node as number)) {
      errors.push(
        `${at}: migrate_pages ${show(node)} is not a NUMA node of this platform (nodes: ${nodes.join(", ")})`,
      );
    } else if (platform.swapEnabled !== false) {
      errors.push(
        `${at}: migrate_pages ${node} refused: ${
          platform.swapEnabled ? "swap is on (SwapTotal > 0)" : "whether swap is on is unknown"
        }; moving every page of a task with swap on can bring the OOM killer. ` +
          "Turn swap off (swapoff -a) or drop migrate_pages from the allocator",
      );
    } else out.migrate_pages = node as number;
  }
  if (v.rdt !== undefined) {
    const rdt = validateRdt(at, v.rdt, platform, options, errors);
    if (rdt !== undefined) out.rdt = rdt;
  }
  return errors.length === before ? out : undefined;
}

function listField(
  at: string,
  field: string,
  value: unknown,
  allowed: readonly number[],
  what: string,
  errors: string[],
): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") {
    errors.push(`${at}: ${field} ${show(value)} is invalid: expected a list such as "0-3,8"`);
    return undefined;
  }
  let ids: number[];
  try {
    ids = parseListFormat(value, field);
  } catch (error) {
    errors.push(`${at}: ${field} ${show(value)} is invalid: ${(error as Error).message}`);
    return undefined;
  }
  if (ids.length === 0) {
    errors.push(`${at}: ${field} ${show(value)} is empty: the task would have nowhere to run`);
    return undefined;
  }
  const outside = ids.filter((id) => !allowed.includes(id));
  if (outside.length > 0) {
    errors.push(
      `${at}: ${field} ${show(value)} names ${outside.join(", ")}, not among this platform's ${what} ` +
        `(${allowed.join(", ") || "none"})`,
    );
    return undefined;
  }
  return value;
}

function validateRdt(
  at: string,
  value: unknown,
  platform: Platform,
  options: ValidationOptions,
  errors: string[],
): RdtAllocation | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    errors.push(`${at}: rdt ${show(value)} is invalid: expected {name, l3, mb}`);
    return undefined;
  }
  const r = value as Record<string, unknown>;
  const before = errors.length;
  for (const key of Object.keys(r)) {
    if (!["name", "l3", "mb"].includes(key)) errors.push(`${at}: rdt has unknown key ${show(key)}`);
  }
  if (r.name !== undefined) {
    if (typeof r.name !== "string") errors.push(`${at}: rdt.name ${show(r.name)} is not a string`);
    else if (r.name !== "") {
      try {
        checkGroupName(r.name);
      } catch (error) {
        errors.push(`${at}: rdt.name: ${(error as Error).message}`);
      }
    }
  }
  for (const key of ["l3", "mb"] as const) {
    if (r[key] !== undefined && typeof r[key] !== "string") {
      errors.push(`${at}: rdt.${key} ${show(r[key])} is not a schemata line`);
    }
  }
  const info = options.resctrl;
  if (r.l3 !== undefined && platform.rdt?.cacheAllocation !== true) {
    errors.push(
      `${at}: rdt.l3 ${show(r.l3)} refused: RDT cache allocation is not available on this platform`,
    );
  }
  if (r.mb !== undefined && platform.rdt?.memoryBandwidthAllocation !== true) {
    errors.push(
      `${at}: rdt.mb ${
        show(r.mb)
      } refused: RDT memory bandwidth allocation is not available on this platform`,
    );
  }
  if (info === undefined && (r.l3 !== undefined || r.mb !== undefined || r.name !== undefined)) {
    errors.push(`${at}: rdt ${show(value)} refused: resctrl is not mounted (no RDT allocation)`);
  }
  if (errors.length > before || info === undefined) return undefined;
  let lines: readonly string[];
  try {
    lines = validateSchemata({
      ...(r.l3 === undefined ? {} : { l3: r.l3 as string }),
      ...(r.mb === undefined ? {} : { mb: r.mb as string }),
    }, info).lines;
  } catch (error) {
    const problems = error instanceof SchemataError ? error.problems : [(error as Error).message];
    for (const problem of problems) errors.push(`${at}: rdt ${show(value)}: ${problem}`);
    return undefined;
  }
  const l3 = lines.filter((l) => l.startsWith("L3"));
  const mb = lines.find((l) => l.startsWith("MB:"));
  return {
    ...(r.name === undefined ? {} : { name: r.name as string }),
    ...(l3.length > 0 ? { l3: l3.join("\n") } : {}),
    ...(mb === undefined ? {} : { mb }),
  };
}

/**
 * CLOSIDs: the root group holds one; every distinct control group the tasks will be in after these
 * allocations takes one more. A task without an explicit name gets a group of its own.
 */
function countClosids(
  tasksData: TasksData,
  desired: ReadonlyMap<string, TaskAllocations>,
  platform: Platform,
  options: ValidationOptions,
  errors: string[],
): void {
  const closids = options.resctrl?.closids ?? platform.rdt?.numClosids;
  if (closids === undefined || ![...desired.values()].some((a) => a.rdt !== undefined)) return;
  const groups = new Set<string>();
  for (const [taskId, data] of tasksData) {
    const rdt = desired.get(taskId)?.rdt ?? data.allocations?.rdt;
    if (rdt === undefined) continue;
    const name = rdtGroupName(data.task, rdt);
    if (name !== "") groups.add(name);
  }
  if (groups.size + 1 > closids) {
    errors.push(
      `rdt: these allocations need ${groups.size} control groups plus the root group, but this host has ` +
        `${closids} CLOSIDs (num_closids); give tasks with the same allocation one rdt.name`,
    );
  }
}

/** The first few task ids, for a message that must not grow with the number of tasks. */
function someKeys(tasksData: TasksData, shown = 5): string {
  const ids: string[] = [];
  for (const id of tasksData.keys()) {
    if (ids.length === shown) return `${ids.join(", ")} and ${tasksData.size - shown} more`;
    ids.push(id);
  }
  return ids.join(", ") || "none";
}

function numaNodeIds(platform: Platform): number[] {
  return platform.numaNodes.length === 0 ? [0] : platform.numaNodes.map((n) => n.id);
}

function isNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The control group of an rdt allocation: its name, or by default a group of the task's own. */
export function rdtGroupName(task: Task, rdt: RdtAllocation): string {
  return rdt.name ?? groupNameFor(task.cgroup_path);
}
