/**
 * How an orchestrator node reports that it cannot list tasks: one warning when an outage starts (and
 * again only if its cause changes kind), debug lines while it lasts, one info line when it ends: a
 * FailureStreak, as for a failing plugin. The node then throws TasksUnavailableError: the runner
 * measures the platform only for that iteration and, seeing `reported`, does not log it again.
 */
import { FailureStreak, type Logger } from "../logging/mod.ts";

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

/** One outage at a time, logged through a FailureStreak: at warning level, again only when its kind changes. */
export class OutageReporter {
  readonly #what: string;
  readonly #streak: FailureStreak;

  /** `what` names the source, e.g. "KubernetesNode: kubelet https://127.0.0.1:10250/pods". */
  constructor(log: Logger, what: string, now: () => number = () => performance.now()) {
    this.#what = what;
    this.#streak = new FailureStreak(log, what, { level: "warning", remindSeconds: Infinity, now });
  }

  /** Records a failed attempt and returns the error for getTasks() to throw. */
  failed(kind: string, reason: string): TasksUnavailableError {
    const message = `${this.#what}: ${reason}`;
    this.#streak.fail(
      `${message}; until it answers, iterations measure the tasks it listed last (for a minute at most) and the platform`,
      kind,
    );
    return new TasksUnavailableError(message);
  }

  /** Records a good answer; ends an outage with one info line. */
  succeeded(): void {
    this.#streak.succeed();
  }
}
