/** What the orchestrator nodes (KubernetesNode, MesosNode) share: the !SSL parameter, response limits, change logs. */
import { SSL } from "../components/ssl.ts";
import type { Task } from "../components/task.ts";
import { z } from "../config/schema.ts";
import { type Logger, OnceLog } from "../logging/mod.ts";
import { classify } from "./http_json.ts";
import type { ItemVerdict } from "./json_fields.ts";
import { OutageReporter } from "./outage.ts";

/**
 * A PodList of a full node (110 pods) is a few MB; GET_STATE of a busy agent likewise. Anything far
 * larger is not an answer we can use within one interval.
 */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** An optional `ssl: !SSL` (checked structurally too: a plugin may bring its own copy of the class). */
export function sslParam() {
  return z.custom<SSL>(
    (value) =>
      value instanceof SSL ||
      (typeof value === "object" && value !== null && typeof (value as SSL).tlsOptions === "function"),
    { error: "expected an !SSL component" },
  ).optional();
}

/** At debug, which tasks came and went since the last answer; at info, the first answer's count. */
export class TaskChanges {
  readonly #log: Logger;
  readonly #what: string;
  #known: ReadonlySet<string> | undefined;

  constructor(log: Logger, what: string) {
    this.#log = log;
    this.#what = what;
  }

  update(tasks: readonly Task[]): void {
    const ids = new Set(tasks.map((task) => task.task_id));
    const known = this.#known;
    this.#known = ids;
    if (known === undefined) {
      this.#log.info(`${this.#what}: ${tasks.length} task${tasks.length === 1 ? "" : "s"}`);
      return;
    }
    if (!this.#log.isEnabledFor("DEBUG")) return;
    const byId = new Map(tasks.map((task) => [task.task_id, task.name]));
    const added = [...ids].filter((id) => !known.has(id)).map((id) => byId.get(id) ?? id);
    const gone = [...known].filter((id) => !ids.has(id));
    if (added.length || gone.length) {
      this.#log.debug(
        `${this.#what}: ${tasks.length} tasks; new: ${added.join(", ") || "none"}; gone: ` +
          `${gone.join(", ") || "none"}`,
      );
    }
  }
}

/**
 * The part of getTasks() both orchestrator nodes share: asking (an outage reported once and thrown as
 * TasksUnavailableError), then turning listed items into tasks (one warning per bad item, changes at debug).
 */
export class OrchestratorTasks {
  readonly #log: Logger;
  readonly #outage: OutageReporter;
  readonly #items: OnceLog;
  readonly #changes: TaskChanges;

  /** `what` names the source in every line, e.g. "KubernetesNode (kubelet https://…/pods)". */
  constructor(log: Logger, what: string) {
    this.#log = log;
    this.#outage = new OutageReporter(log, what);
    this.#items = new OnceLog(log);
    this.#changes = new TaskChanges(log, what);
  }

  /** The orchestrator's answer; a failure is reported (once per outage) and thrown as TasksUnavailableError. */
  async ask<T>(request: () => Promise<T>): Promise<T> {
    let answer: T;
    try {
      answer = await request();
    } catch (error) {
      const failure = classify(error);
      throw this.#outage.failed(failure.kind, failure.message);
    }
    this.#outage.succeeded();
    return answer;
  }

  /**
   * A listing to fill with one answer's items as they arrive: `read` judges each (an invalid one is
   * warned about once per item), and only the items to measure are kept, so memory follows them, not
   * the answer.
   */
  listing<T>(read: (item: unknown) => ItemVerdict<T>): Listing<T> {
    return new Listing(read, this.#log, this.#items);
  }

  /**
   * Tasks of a filled listing: `build` makes an item's task, says why not (a warning, once per item),
   * or returns undefined for an item that is quietly ending.
   */
  tasks<T>(
    listing: Listing<T>,
    build: (item: T) => Task | { readonly skipped: string } | undefined,
  ): Task[] {
    const tasks: Task[] = [];
    for (const { key, item } of listing.accepted) {
      const task = build(item);
      if (task === undefined) continue;
      if ("skipped" in task) {
        this.#items.warn(key, task.skipped);
        continue;
      }
      this.#items.clear(key);
      tasks.push(task);
    }
    this.#items.retain(listing.keys);
    this.#changes.update(tasks);
    return tasks;
  }

  /** A warning about one item that still yields its task (e.g. an unreadable quantity), once per topic. */
  warnItem(key: string, topic: string, message: string): void {
    this.#items.warn(key, message, topic);
  }
}

/** One answer's items, judged as they arrive (see OrchestratorTasks.listing). */
export class Listing<T> {
  readonly #read: (item: unknown) => ItemVerdict<T>;
  readonly #log: Logger;
  readonly #items: OnceLog;
  /** Keys of the items listed (measured or not), for forgetting items no longer listed. */
  readonly keys = new Set<string>();
  readonly accepted: { readonly key: string; readonly item: T }[] = [];

  constructor(read: (item: unknown) => ItemVerdict<T>, log: Logger, items: OnceLog) {
    this.#read = read;
    this.#log = log;
    this.#items = items;
  }

  add(raw: unknown): void {
    const verdict = this.#read(raw);
    if (verdict.kind === "ignored") {
      this.#log.debug(verdict.reason);
      return;
    }
    // An item listed twice (overlapping answers) is one task.
    if (this.keys.has(verdict.key)) return;
    this.keys.add(verdict.key);
    if (verdict.kind === "invalid") this.#items.warn(verdict.key, `skipped ${verdict.reason}`);
    else this.accepted.push({ key: verdict.key, item: verdict.item });
  }
}
