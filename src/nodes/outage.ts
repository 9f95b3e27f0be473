/**
 * How an orchestrator node reports that it cannot list tasks: one warning when an outage starts (and
 * again only if its cause changes kind), debug lines while it lasts, one info line when it ends. The
 * node then throws TasksUnavailableError: the runner measures the platform only for that iteration and,
 * seeing `reported`, does not log it again.
 */
import type { Logger } from "../logging/mod.ts";

/** getTasks() could not ask the orchestrator; the node has already told the operator. */
export class TasksUnavailableError extends Error {
  override readonly name = "TasksUnavailableError";
  /** Structural marker the runner checks (a plugin may bring its own copy of this class). */
  readonly reported = true;
}

/** True for an error a node has already logged (TasksUnavailableError or a plugin's look-alike). */
export function isReported(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { reported?: unknown }).reported === true;
}

export class OutageReporter {
  readonly #log: Logger;
  readonly #what: string;
  readonly #now: () => number;
  #since: number | undefined;
  #failures = 0;
  #kind: string | undefined;

  /** `what` names the source, e.g. "KubernetesNode: kubelet https://127.0.0.1:10250/pods". */
  constructor(log: Logger, what: string, now: () => number = () => performance.now()) {
    this.#log = log;
    this.#what = what;
    this.#now = now;
  }

  /** Records a failed attempt and returns the error for getTasks() to throw. */
  failed(kind: string, reason: string): TasksUnavailableError {
    const message = `${this.#what}: ${reason}`;
    this.#failures++;
    if (this.#since === undefined) {
      this.#since = this.#now();
      this.#log.warning(
        `${message}; tasks are not measured until it answers (the platform still is; reported once ` +
          "per outage)",
      );
    } else if (kind !== this.#kind) {
      this.#log.warning(`${message} (still no tasks)`);
    } else {
      this.#log.debug(`${message} (attempt ${this.#failures})`);
    }
    this.#kind = kind;
    return new TasksUnavailableError(message);
  }

  /** Records a good answer; ends an outage with one info line. */
  succeeded(): void {
    if (this.#since === undefined) return;
    const seconds = ((this.#now() - this.#since) / 1000).toFixed(1);
    this.#log.info(
      `${this.#what}: answering again after ${seconds} s and ${this.#failures} failed ` +
        `attempt${this.#failures === 1 ? "" : "s"}`,
    );
    this.#since = undefined;
    this.#failures = 0;
    this.#kind = undefined;
  }
}

/**
 * Warns once per item and topic (a pod's missing cgroup, its unreadable quantities) until the item is
 * fine again or no longer listed: problems of one item, not of the API.
 */
export class OnceLog {
  readonly #log: Logger;
  /** item key → topics warned about. */
  readonly #warned = new Map<string, Set<string>>();

  constructor(log: Logger) {
    this.#log = log;
  }

  warn(key: string, message: string, topic = ""): void {
    const topics = this.#warned.get(key) ?? new Set<string>();
    if (topics.has(topic)) {
      this.#log.debug(message);
      return;
    }
    topics.add(topic);
    this.#warned.set(key, topics);
    this.#log.warning(`${message} (reported once)`);
  }

  /** The item is fine again: a new problem with it (in `topic`) is worth a new warning. */
  clear(key: string, topic = ""): void {
    this.#warned.get(key)?.delete(topic);
  }

  /** Forgets items no longer listed, so the map does not grow with every pod ever seen. */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.#warned.keys()) if (!keys.has(key)) this.#warned.delete(key);
  }
}
