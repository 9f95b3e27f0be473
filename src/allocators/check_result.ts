/**
 * Shape check of what an allocator returns (see src/detectors/check_result.ts for why). Only types are
 * checked here; whether a value fits this host (quota range, CPUs that exist, CLOSIDs) is the allocation
 * validator's job, which knows the platform.
 */
import {
  type AllocationResult,
  AllocationType,
  type RdtAllocation,
  type TaskAllocations,
} from "../components/decisions.ts";
import {
  checkAnomalies,
  checkCount,
  checkMetrics,
  fail,
  isPlainObject,
  METRICS_PER_ENTRY,
  PluginResultError,
  Problems,
  type ReplyLimit,
} from "../detectors/check_result.ts";

const TYPES: readonly string[] = Object.values(AllocationType);

function checkRdt(value: unknown, path: string): RdtAllocation {
  if (!isPlainObject(value)) fail(path, "an object { name, l3, mb }", value);
  for (const [key, text] of Object.entries(value)) {
    if (key !== "name" && key !== "l3" && key !== "mb") fail(path, "only the keys name, l3 and mb", key);
    if (typeof text !== "string") fail(`${path}.${key}`, "a string", text);
  }
  return value as RdtAllocation;
}

/** One task's allocations: known keys only, each of its type. */
export function checkTaskAllocations(value: unknown, path: string): TaskAllocations {
  if (!isPlainObject(value)) fail(path, "an object of allocations (e.g. { cpu_quota: 0.5 })", value);
  for (const [key, v] of Object.entries(value)) {
    const at = `${path}.${key}`;
    switch (key) {
      case AllocationType.QUOTA:
      case AllocationType.SHARES:
        if (typeof v !== "number" || !Number.isFinite(v)) fail(at, "a finite number", v);
        break;
      case AllocationType.CPUSET_CPUS:
      case AllocationType.CPUSET_MEMS:
        if (typeof v !== "string") fail(at, 'a list-format string (e.g. "0-3,8")', v);
        break;
      case AllocationType.CPUSET_MEMORY_MIGRATE:
        if (typeof v !== "boolean") fail(at, "true or false", v);
        break;
      case AllocationType.MIGRATE_PAGES:
        if (typeof v !== "number" || !Number.isInteger(v) || v < 0) fail(at, "a NUMA node number", v);
        break;
      case AllocationType.RDT:
        checkRdt(v, at);
        break;
      default:
        fail(path, `allocation types among ${TYPES.join(", ")}`, key);
    }
  }
  return value as TaskAllocations;
}

/** How many tasks a mapping names, without copying its keys or entries. */
function countEntries(raw: Map<unknown, unknown> | Record<string, unknown>): number {
  if (raw instanceof Map) return raw.size;
  let count = 0;
  for (const key in raw) if (Object.hasOwn(raw, key)) count++;
  return count;
}

/**
 * `value` as an AllocationResult (allocations as a Map), or a PluginResultError naming what is wrong.
 * With a `limit`, a reply naming more tasks, anomalies or metrics than it allows is refused whole before
 * any entry is looked at.
 */
export function checkAllocationResult(
  value: unknown,
  who = "allocate()",
  limit?: ReplyLimit,
): AllocationResult {
  if (Array.isArray(value)) {
    throw new PluginResultError(
      `${who} returned a list; expected an object { allocations, anomalies, metrics } (WCA's ` +
        "(allocations, anomalies, metrics) tuple is an object here)",
    );
  }
  if (!isPlainObject(value)) fail(`${who} result`, "an object { allocations, anomalies, metrics }", value);
  const raw = value.allocations;
  if (!(raw instanceof Map) && !isPlainObject(raw)) {
    fail(`${who} allocations`, "a mapping of task ids to allocations (an object or a Map)", raw);
  }
  const anomalies = value.anomalies === undefined ? [] : value.anomalies;
  const metrics = value.metrics === undefined ? [] : value.metrics;
  if (limit) {
    checkCount(who, "allocations", countEntries(raw), limit.entries, limit.why);
    if (Array.isArray(anomalies)) checkCount(who, "anomalies", anomalies.length, limit.entries, limit.why);
    if (Array.isArray(metrics)) {
      checkCount(who, "metrics", metrics.length, limit.metrics, `${METRICS_PER_ENTRY} × ${limit.why}`);
    }
  }
  const problems = new Problems();
  const allocations = new Map<string, TaskAllocations>();
  const entries = raw instanceof Map ? raw.entries() : Object.entries(raw);
  for (const [taskId, task] of entries) {
    problems.check(() => {
      if (typeof taskId !== "string" || taskId === "") fail("allocations", "task ids as keys", taskId);
      allocations.set(taskId, checkTaskAllocations(task, `allocations[${JSON.stringify(taskId)}]`));
    });
  }
  const result = {
    allocations,
    anomalies: problems.check(() => checkAnomalies(anomalies, "anomalies")) ?? [],
    metrics: problems.check(() => checkMetrics(metrics, "metrics")) ?? [],
  };
  problems.throwIfAny(who);
  return result;
}

export { PluginResultError };
