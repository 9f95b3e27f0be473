/**
 * A problem that repeats every iteration (a plugin that throws, an API that is down) is news once: the
 * first time, when its reason changes, as a reminder every `remindSeconds` while it lasts, and when it
 * ends. Between those, repeats are only counted, so one broken plugin cannot fill a disk with logs.
 */
import type { Logger } from "./hub.ts";

/** The two levels a streak writes at. */
export type StreakLog = Pick<Logger, "error" | "info">;

export interface FailureStreakOptions {
  /** Seconds between "still failing" reminders; default 300. */
  readonly remindSeconds?: number;
  /** Milliseconds clock, for tests. */
  readonly now?: () => number;
}

export class FailureStreak {
  readonly #log: StreakLog;
  readonly #what: string;
  readonly #remindMs: number;
  readonly #now: () => number;
  #reason: string | undefined;
  #failures = 0;
  #lastLogged = 0;

  /** `what` names the thing that fails, for the reminder and recovery lines ("LoudAllocator.allocate()"). */
  constructor(log: StreakLog, what: string, options: FailureStreakOptions = {}) {
    this.#log = log;
    this.#what = what;
    this.#remindMs = (options.remindSeconds ?? 300) * 1000;
    this.#now = options.now ?? Date.now;
  }

  /** Failures in the current streak; 0 when the last call succeeded. */
  get failures(): number {
    return this.#failures;
  }

  /** One more failure: logs `message` (at error) if it is new, or a reminder if one is due. */
  fail(message: string): void {
    this.#failures++;
    const now = this.#now();
    if (message !== this.#reason) {
      this.#reason = message;
      this.#lastLogged = now;
      const repeats = this.#failures > 1 ? ` (failure ${this.#failures} in a row)` : "";
      this.#log.error(`${message}${repeats}; repeats are counted, not logged`);
    } else if (now - this.#lastLogged >= this.#remindMs) {
      this.#lastLogged = now;
      this.#log.error(`${this.#what} still failing after ${this.#failures} attempts: ${message}`);
    }
  }

  /** A success: ends a streak with one info line. */
  succeed(): void {
    if (this.#failures === 0) return;
    this.#log.info(`${this.#what} works again after ${this.#failures} failed attempt(s)`);
    this.#failures = 0;
    this.#reason = undefined;
  }
}
