/**
 * The Mesos agent's GET_STATE answer (operator API v1, JSON) as tasks to measure. Pure. Shape from the
 * operator API reference: {type: "GET_STATE", get_state: {get_tasks: {launched_tasks: [Task]}}}, a Task
 * being {name, task_id: {value}, resources: [Resource], labels: {labels: [{key, value}]}, statuses:
 * [{state, executor_id, agent_id, container_status: {container_id: {value}, executor_pid}}]}.
 */
import { sanitizeLabelName } from "../cgroup_tree.ts";
import { isObject, type ItemVerdict, str } from "../json_fields.ts";

export interface MesosTask {
  readonly name: string;
  readonly taskId: string;
  readonly executorPid: number;
  readonly containerId: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly resources: Readonly<Record<string, number>>;
}

export type MesosVerdict = ItemVerdict<MesosTask>;

const valueOf = (id: unknown): string | undefined => isObject(id) ? str(id.value) : undefined;

/** Where GET_STATE lists the launched tasks. */
export const LAUNCHED_TASKS: readonly string[] = ["get_state", "get_tasks", "launched_tasks"];

/** The launched tasks of a GET_STATE answer; throws an Error naming what is missing. */
export function launchedTasks(document: unknown): unknown[] {
  if (!isObject(document)) throw new Error("the answer is not a JSON object (expected GET_STATE)");
  const state = document.get_state;
  if (!isObject(state)) {
    throw new Error(`the answer has no 'get_state' (type ${JSON.stringify(document.type ?? null)})`);
  }
  const tasks = state.get_tasks;
  if (!isObject(tasks)) throw new Error("the answer has no 'get_state.get_tasks'");
  // No launched task: the field is left out.
  if (tasks.launched_tasks === undefined) return [];
  if (!Array.isArray(tasks.launched_tasks)) {
    throw new Error("'get_state.get_tasks.launched_tasks' is not a list");
  }
  return tasks.launched_tasks;
}

/**
 * Aurora and Mesos put these prefixes on labels; WCA drops each in turn, so Aurora metadata
 * (`org.apache.aurora.metadata.app_name`) is `app_name` and `org.apache.aurora.tier` is `aurora_tier`.
 */
const DROPPED_PREFIXES = ["org.apache.", "aurora.metadata."];

/** WCA's Mesos label names: prefixes dropped, "." to "_" (and anything else Prometheus refuses). */
export function mesosLabelName(key: string): string {
  let name = key;
  for (const prefix of DROPPED_PREFIXES) if (name.startsWith(prefix)) name = name.slice(prefix.length);
  return sanitizeLabelName(name.replaceAll(".", "_"));
}

/** Mesos gives mem and disk in MB as Mesos counts them (stout's Megabytes: 2^20 bytes). */
const MEGABYTE_RESOURCES = new Set(["mem", "disk"]);

/** SCALAR resources by name (cpus, mem and disk in bytes, gpus …); ranges and sets are left out. */
export function scalarResources(resources: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  for (const resource of Array.isArray(resources) ? resources : []) {
    if (!isObject(resource) || resource.type !== "SCALAR" || !isObject(resource.scalar)) continue;
    const name = str(resource.name);
    const value = resource.scalar.value;
    if (!name || typeof value !== "number" || !Number.isFinite(value)) continue;
    const key = sanitizeLabelName(name);
    // Resources may repeat per role or reservation: their amounts add up.
    out[key] = (out[key] ?? 0) + (MEGABYTE_RESOURCES.has(name) ? value * 2 ** 20 : value);
  }
  return out;
}

/** Decides whether one launched task is running with an executor we can find, and reads it. */
export function readLaunchedTask(item: unknown): MesosVerdict {
  if (!isObject(item)) return { kind: "invalid", key: "?", reason: "a launched task that is not an object" };
  const name = str(item.name);
  const taskId = valueOf(item.task_id);
  if (!name || !taskId) {
    return { kind: "invalid", key: taskId ?? "?", reason: "a launched task without name or task_id" };
  }
  const title = `task ${name} (${taskId})`;
  const statuses = Array.isArray(item.statuses) ? item.statuses : [];
  // Statuses come oldest first; the last is the task's state now.
  const last = statuses.at(-1);
  const state = isObject(last) ? str(last.state) : str(item.state);
  if (state !== "TASK_RUNNING") return { kind: "ignored", reason: `${title}: ${state ?? "no status yet"}` };
  const container = isObject(last) && isObject(last.container_status) ? last.container_status : {};
  const pid = container.executor_pid;
  if (typeof pid !== "number" || !Number.isInteger(pid) || pid < 1) {
    return {
      kind: "invalid",
      key: taskId,
      reason: `${title}: no executor_pid in its container status (is the Mesos containerizer used?)`,
    };
  }
  const labels: Record<string, string> = {};
  const list = isObject(item.labels) && Array.isArray(item.labels.labels) ? item.labels.labels : [];
  for (const label of list) {
    if (isObject(label) && typeof label.key === "string" && typeof label.value === "string") {
      labels[mesosLabelName(label.key)] = label.value;
    }
  }
  return {
    kind: "ok",
    key: taskId,
    item: {
      name,
      taskId,
      executorPid: pid,
      containerId: valueOf(container.container_id),
      labels,
      resources: scalarResources(item.resources),
    },
  };
}
