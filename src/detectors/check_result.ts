/**
 * Shape checks of what a detector returns. A plugin written in plain JavaScript (or against an older
 * contract) can return anything; the runner calls these so that a wrong return costs that iteration's
 * decisions with one message naming the field and the value, instead of a TypeError deep in the encoder.
 */
import { type Anomaly, ContendedResource, type DetectionResult } from "../components/decisions.ts";
import type { Metric } from "../metrics/metric.ts";
import { problemList, SHOWN_PROBLEMS } from "../logging/problem_list.ts";
import { LABEL_NAME_PATTERN, METRIC_NAME_PATTERN } from "../metrics/prometheus.ts";

/**
 * A plugin returned something other than the contract's shape, or more than the reply limit; the message
 * names the path and value. `kind` tells the two apart for the runner's FailureStreak.
 */
export class PluginResultError extends Error {
  override readonly name = "PluginResultError";
  readonly kind: "wrong shape" | "too large";
  constructor(message: string, kind: "wrong shape" | "too large" = "wrong shape") {
    super(message);
    this.kind = kind;
  }
}

/** reply_limit_per_task's default: allocations or anomalies per task a reply may hold. */
export const DEFAULT_REPLY_LIMIT_PER_TASK = 10;
/** A reply's metrics may be this many times its entry limit. */
export const METRICS_PER_ENTRY = 10;

/**
 * How many entries a plugin's reply may hold before it is refused whole, unread: a plugin that returns a
 * million entries costs one line and no validation, not a million messages.
 */
export interface ReplyLimit {
  /** Allocations (tasks in them) and anomalies, each. */
  readonly entries: number;
  /** The plugin's own metrics. */
  readonly metrics: number;
  /** How the limit came about, for the message. */
  readonly why: string;
}

/** `perTask` × the tasks of this iteration (at least one), and METRICS_PER_ENTRY times that for metrics. */
export function replyLimit(perTask: number, tasks: number): ReplyLimit {
  const entries = perTask * Math.max(tasks, 1);
  const counted = tasks === 0 ? "no tasks, counted as 1" : `${tasks} task${tasks === 1 ? "" : "s"}`;
  return {
    entries,
    metrics: entries * METRICS_PER_ENTRY,
    why: `reply_limit_per_task ${perTask} × ${counted}`,
  };
}

/** Refuses a reply whose `what` holds `count` entries, more than `limit`. */
export function checkCount(who: string, what: string, count: number, limit: number, why: string): void {
  if (count <= limit) return;
  throw new PluginResultError(
    `${who} returned ${count} ${what}, more than the limit of ${limit} (${why}): the whole reply is refused`,
    "too large",
  );
}

/**
 * Checks entries one by one and collects what is wrong, so a reply is refused with every problem counted
 * and the first few named on one line (see problemList), not only the first.
 */
export class Problems {
  readonly #first: string[] = [];
  #count = 0;

  /** `check()`'s value, or undefined when it threw a PluginResultError (kept as a problem). */
  check<T>(check: () => T): T | undefined {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof PluginResultError)) throw error;
      if (this.#count++ < SHOWN_PROBLEMS) this.#first.push(error.message);
      return undefined;
    }
  }

  /** Throws one PluginResultError for all problems: `who path: …`, or `who reply: N problems: …`. */
  throwIfAny(who: string): void {
    if (this.#count === 0) return;
    throw new PluginResultError(
      this.#count === 1
        ? `${who} ${this.#first[0]}`
        : `${who} reply: ${problemList(this.#first, this.#count)}`,
    );
  }
}

const RESOURCES: readonly string[] = Object.values(ContendedResource);

/** A short, bounded rendering of a wrong value for an error message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value instanceof Map) return `a Map of ${value.size}`;
  if (typeof value === "function") return "a function";
  if (typeof value === "object") return "an object";
  const text = typeof value === "string" ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function fail(path: string, expected: string, value: unknown): never {
  throw new PluginResultError(`${path}: expected ${expected}, got ${describeValue(value)}`);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Map);
}

function checkList(value: unknown, path: string, what: string): readonly unknown[] {
  if (!Array.isArray(value)) fail(path, `a list of ${what}`, value);
  return value;
}

/** One metric: name, numeric value, string labels; type and help when given. */
export function checkMetric(value: unknown, path: string): Metric {
  if (!isPlainObject(value)) fail(path, "a metric { name, value, labels }", value);
  const { name, value: number, labels, type } = value;
  if (typeof name !== "string" || !METRIC_NAME_PATTERN.test(name)) {
    fail(`${path}.name`, "a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)", name);
  }
  if (typeof number !== "number") fail(`${path}.value (${name})`, "a number", number);
  if (labels !== undefined) {
    if (!isPlainObject(labels)) {
      fail(`${path}.labels (${name})`, "a mapping of label names to strings", labels);
    }
    for (const [label, text] of Object.entries(labels)) {
      if (!LABEL_NAME_PATTERN.test(label)) {
        fail(`${path}.labels (${name})`, "label names [a-zA-Z_][a-zA-Z0-9_]*", label);
      }
      if (typeof text !== "string") fail(`${path}.labels.${label} (${name})`, "a string", text);
    }
  }
  if (type !== undefined && type !== "gauge" && type !== "counter") {
    fail(`${path}.type (${name})`, "gauge or counter", type);
  }
  return labels === undefined ? { ...value, labels: {} } as unknown as Metric : value as unknown as Metric;
}

export function checkMetrics(value: unknown, path: string): Metric[] {
  if (value === undefined) return [];
  return checkList(value, path, "metrics").map((m, i) => checkMetric(m, `${path}[${i}]`));
}

function checkTaskId(value: unknown, path: string): string {
  if (typeof value !== "string" || value === "") fail(path, "a task id (a non-empty string)", value);
  return value;
}

/** One ContentionAnomaly. */
export function checkAnomaly(value: unknown, path: string): Anomaly {
  if (!isPlainObject(value)) {
    fail(path, "an anomaly { resource, contended_task_id, contending_task_ids }", value);
  }
  if (value.type !== undefined && value.type !== "contention") {
    fail(`${path}.type`, '"contention"', value.type);
  }
  if (typeof value.resource !== "string" || !RESOURCES.includes(value.resource)) {
    fail(`${path}.resource`, `one of ${RESOURCES.map((r) => JSON.stringify(r)).join(", ")}`, value.resource);
  }
  checkTaskId(value.contended_task_id, `${path}.contended_task_id`);
  const contending = checkList(value.contending_task_ids, `${path}.contending_task_ids`, "task ids");
  // Without contending tasks the anomaly would print no `anomaly` series and vanish silently.
  if (contending.length === 0) fail(`${path}.contending_task_ids`, "at least one task id", contending);
  contending.forEach((id, i) => checkTaskId(id, `${path}.contending_task_ids[${i}]`));
  if (
    value.contending_workload_instance !== undefined && typeof value.contending_workload_instance !== "string"
  ) {
    fail(`${path}.contending_workload_instance`, "a string", value.contending_workload_instance);
  }
  const metrics = checkMetrics(value.metrics, `${path}.metrics`);
  return { ...value, metrics } as unknown as Anomaly;
}

export function checkAnomalies(value: unknown, path: string): Anomaly[] {
  return checkList(value, path, "anomalies").map((a, i) => checkAnomaly(a, `${path}[${i}]`));
}

/**
 * `value` as a DetectionResult, or a PluginResultError naming what is wrong. `who` names the call in the
 * message ("ExampleDetector.detect()"). With a `limit`, a reply with more anomalies or metrics than it
 * allows is refused before any entry is looked at. Metrics without labels get empty ones; nothing else is
 * changed.
 */
export function checkDetectionResult(value: unknown, who = "detect()", limit?: ReplyLimit): DetectionResult {
  if (Array.isArray(value)) {
    throw new PluginResultError(
      `${who} returned a list; expected an object { anomalies, metrics } (WCA's (anomalies, metrics) tuple ` +
        "is an object here)",
    );
  }
  if (!isPlainObject(value)) fail(`${who} result`, "an object { anomalies, metrics }", value);
  const anomalies = checkList(value.anomalies, `${who} anomalies`, "anomalies");
  const metrics = value.metrics === undefined ? [] : checkList(value.metrics, `${who} metrics`, "metrics");
  if (limit) {
    checkCount(who, "anomalies", anomalies.length, limit.entries, limit.why);
    checkCount(who, "metrics", metrics.length, limit.metrics, `${METRICS_PER_ENTRY} × ${limit.why}`);
  }
  const problems = new Problems();
  const checked = {
    anomalies: anomalies.map((a, i) => problems.check(() => checkAnomaly(a, `anomalies[${i}]`))!),
    metrics: metrics.map((m, i) => problems.check(() => checkMetric(m, `metrics[${i}]`))!),
  };
  problems.throwIfAny(who);
  return checked;
}
