/**
 * The node is asked on its own schedule, so a slow or absent orchestrator never stalls measuring. Each
 * iteration starts one getTasks() call (unless the previous one is still running) and waits for it at
 * most a quarter of the interval; the node's own `timeout` bounds the call itself. An answer that comes
 * later is kept for the next iteration. Meanwhile, and while the node fails, iterations measure the task
 * list it gave last, for at most TASK_LIST_MAX_AGE seconds (or two intervals, when longer); an older list
 * is dropped and only the platform is measured until the node answers again. An answer that takes
 * longer than SLOW_ANSWER seconds (or the interval) is one warning per streak; a failure the node did not
 * report itself, one error per streak.
 */
import type { Node, Task } from "../../components/interfaces.ts";
import { FailureStreak, type Logger } from "../../logging/mod.ts";
import { isReported } from "../../nodes/outage.ts";

/** The levels the feed writes at. */
type FeedLog = Pick<Logger, "error" | "warning" | "info" | "debug">;

/** Seconds a task list may be reused while the node does not answer (see docs/orchestrators.md). */
export const TASK_LIST_MAX_AGE = 60;
/** Seconds (or the interval, when longer) after which an answer is late enough for a warning. */
export const SLOW_ANSWER = 5;
/** The share of the interval an iteration waits for the node before it measures the last answer. */
export const NODE_WAIT_SHARE = 0.25;

export interface TaskFeedOptions {
  readonly node: Node;
  /** Seconds between iterations. */
  readonly interval: number;
  readonly log: FeedLog;
  /** Milliseconds clock, for tests. */
  readonly now?: () => number;
}

/** The tasks an iteration measures, and how old the list is (0 for an answer of this iteration). */
export interface FedTasks {
  readonly tasks: readonly Task[];
  readonly ageSeconds: number;
}

interface Answer {
  readonly tasks: readonly Task[];
  /** When it arrived (ms). */
  readonly at: number;
}

export class TaskFeed {
  readonly #node: Node;
  readonly #log: FeedLog;
  readonly #now: () => number;
  readonly #waitMs: number;
  readonly #intervalMs: number;
  readonly #slowMs: number;
  readonly #maxAgeMs: number;
  readonly #name: string;
  /** Answers that came after the iteration stopped waiting; one warning per streak. */
  readonly #slow: FailureStreak;
  /** Failures the node did not report itself (a plugin's plain exception). */
  readonly #failures: FailureStreak;
  #pending: Promise<void> | undefined;
  #last: Answer | undefined;
  #dropped = false;

  constructor(options: TaskFeedOptions) {
    this.#node = options.node;
    this.#log = options.log;
    this.#now = options.now ?? (() => performance.now());
    this.#intervalMs = options.interval * 1000;
    this.#slowMs = Math.max(SLOW_ANSWER * 1000, this.#intervalMs);
    this.#waitMs = this.#intervalMs * NODE_WAIT_SHARE;
    this.#maxAgeMs = Math.max(TASK_LIST_MAX_AGE, 2 * options.interval) * 1000;
    this.#name = `${options.node.constructor?.name || "node"}.getTasks()`;
    this.#slow = new FailureStreak(options.log, `${this.#name} in time`, {
      level: "warning",
      remindSeconds: Infinity,
      now: this.#now,
    });
    this.#failures = new FailureStreak(options.log, this.#name, { now: this.#now });
  }

  /** Seconds a task list may be reused. */
  get maxAgeSeconds(): number {
    return this.#maxAgeMs / 1000;
  }

  /** The tasks to measure now: this iteration's answer if it comes in time, else the last one if fresh. */
  async tasks(): Promise<FedTasks> {
    if (this.#pending === undefined) {
      const call = this.#ask();
      this.#pending = call;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waited = new Promise<void>((resolve) => timer = setTimeout(resolve, this.#waitMs));
      await Promise.race([call, waited]);
      clearTimeout(timer);
    }
    // A call still running from an earlier iteration is not waited for again.
    return this.#current();
  }

  /** Waits for a call still running, if any (tests: before closing the node). */
  async settle(): Promise<void> {
    await this.#pending;
  }

  async #ask(): Promise<void> {
    const started = this.#now();
    try {
      const tasks = await this.#node.getTasks();
      const at = this.#now();
      this.#last = { tasks, at };
      this.#failures.succeed();
      const took = at - started;
      if (took <= this.#slowMs) {
        this.#slow.succeed();
        // Measured from the next iteration on: a little late, not worth a warning.
        if (took > this.#waitMs) {
          this.#log.debug(
            `${this.#name} answered after ${seconds(took)} s; measured from the next iteration`,
          );
        }
      } else {
        this.#slow.fail(
          `${this.#name} answered after ${seconds(took)} s, later than ${
            seconds(this.#slowMs)
          } s; iterations measure the task list it gave last meanwhile`,
          "slow",
        );
      }
    } catch (error) {
      const message = `the node could not list tasks: ${(error as Error).message}; ${this.#fallback()}`;
      // A node that reported its outage itself (once) is not logged again.
      if (isReported(error)) this.#log.debug(message);
      else this.#failures.fail(message, "failed");
    } finally {
      this.#pending = undefined;
    }
  }

  #fallback(): string {
    return this.#last === undefined
      ? "measuring the platform only"
      : `measuring the tasks it listed last (for up to ${this.maxAgeSeconds} s) and the platform`;
  }

  #current(): FedTasks {
    const last = this.#last;
    if (last === undefined) return { tasks: [], ageSeconds: 0 };
    const age = this.#now() - last.at;
    if (age <= this.#maxAgeMs) {
      if (this.#dropped) {
        this.#dropped = false;
        this.#log.info(`${this.#name} answered: measuring its ${last.tasks.length} task(s) again`);
      }
      return { tasks: last.tasks, ageSeconds: age / 1000 };
    }
    if (!this.#dropped) {
      this.#dropped = true;
      this.#log.warning(
        `the last task list of ${this.#name} is ${
          seconds(age)
        } s old, older than the ${this.maxAgeSeconds} s ` +
          "it may be reused: measuring the platform only until the node answers",
      );
    }
    return { tasks: [], ageSeconds: age / 1000 };
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
}
