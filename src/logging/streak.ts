/**
 * A problem that repeats every iteration (a plugin that throws, an API that is down) is news once: the
 * first time, when its kind changes, as a reminder every `remindSeconds` while it lasts, and when it
 * ends. Between those, repeats go to debug and are counted, so one broken plugin or one kubelet outage
 * cannot fill a disk with logs.
 */
import type { Logger } from "./hub.ts";

/** The levels a streak writes at. */
export type StreakLog = Pick<Logger, "error" | "warning" | "info" | "debug">;

export interface FailureStreakOptions {
  /** Level of the first line, of a new kind and of reminders; default "error". */
  readonly level?: "error" | "warning";
  /** Seconds between "still failing" reminders; default 300; Infinity for none. */
  readonly remindSeconds?: number;
  /** Milliseconds clock, for tests. */
  readonly now?: () => number;
}

export class FailureStreak {
  readonly #log: StreakLog;
  readonly #what: string;
  readonly #level: "error" | "warning";
  readonly #remindMs: number;
  readonly #now: () => number;
  #kind: string | undefined;
  #failures = 0;
  #since = 0;
  #lastLogged = 0;

  /** `what` names the thing that fails, for the reminder and recovery lines ("LoudAllocator.allocate()"). */
  constructor(log: StreakLog, what: string, options: FailureStreakOptions = {}) {
    this.#log = log;
    this.#what = what;
    this.#level = options.level ?? "error";
    this.#remindMs = (options.remindSeconds ?? 300) * 1000;
    this.#now = options.now ?? Date.now;
  }

  /** Failures in the current streak; 0 when the last call succeeded. */
  get failures(): number {
    return this.#failures;
  }

  /**
   * One more failure. `message` is logged at the streak's level when the streak starts or its `kind`
   * changes (default: the message itself), as a reminder when one is due, and otherwise at debug.
   */
  fail(message: string, kind: string = message): void {
    this.#failures++;
    const now = this.#now();
    if (this.#failures === 1) this.#since = now;
    const log = (line: string) => {
      this.#lastLogged = now;
      this.#log[this.#level](line);
    };
    if (kind !== this.#kind) {
      this.#kind = kind;
      const repeats = this.#failures > 1 ? ` (failure ${this.#failures} in a row)` : "";
      log(`${message}${repeats}; repeats are counted, not logged`);
    } else if (now - this.#lastLogged >= this.#remindMs) {
      log(`${this.#what} still failing after ${this.#failures} attempts: ${message}`);
    } else {
      this.#log.debug(`${message} (attempt ${this.#failures})`);
    }
  }

  /** A success: ends a streak with one info line. */
  succeed(): void {
    if (this.#failures === 0) return;
    const seconds = ((this.#now() - this.#since) / 1000).toFixed(1);
    this.#log.info(`${this.#what} works again after ${seconds} s and ${this.#failures} failed attempt(s)`);
    this.#failures = 0;
    this.#kind = undefined;
  }
}
