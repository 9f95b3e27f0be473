/**
 * A problem that repeats every iteration (a plugin that throws, an API that is down) is news once: the
 * first time each kind of failure appears in a streak, as a reminder every `remindSeconds` while it lasts,
 * and when it ends. Between those, repeats go to debug and are counted per kind, so one broken plugin or
 * one kubelet outage cannot fill a disk with logs, and two kinds that alternate are two lines, not one
 * per iteration.
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

/** Kinds logged in one streak: a plugin whose every message differs cannot log every iteration. */
const MAX_KINDS = 32;

export class FailureStreak {
  readonly #log: StreakLog;
  readonly #what: string;
  readonly #level: "error" | "warning";
  readonly #remindMs: number;
  readonly #now: () => number;
  /** Failures per kind in the current streak (at most MAX_KINDS kinds are logged). */
  readonly #kinds = new Map<string, number>();
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
   * One more failure. `message` is logged at the streak's level the first time its `kind` (default: the
   * message itself) appears in this streak, as a reminder when one is due, and otherwise at debug.
   */
  fail(message: string, kind: string = message): void {
    this.#failures++;
    const now = this.#now();
    if (this.#failures === 1) this.#since = now;
    const log = (line: string) => {
      this.#lastLogged = now;
      this.#log[this.#level](line);
    };
    const seen = this.#kinds.get(kind);
    if (seen === undefined && this.#kinds.size >= MAX_KINDS) {
      this.#log.debug(`${message} (attempt ${this.#failures}; too many kinds of failure to log each)`);
      return;
    }
    const count = (seen ?? 0) + 1;
    this.#kinds.set(kind, count);
    if (count === 1) {
      log(`${message}; repeats are counted, not logged`);
    } else if (now - this.#lastLogged >= this.#remindMs) {
      log(`${this.#what} still failing after ${count} attempts: ${message}`);
    } else {
      this.#log.debug(`${message} (attempt ${count})`);
    }
  }

  /** A success: ends a streak with one info line. */
  succeed(): void {
    if (this.#failures === 0) return;
    const seconds = ((this.#now() - this.#since) / 1000).toFixed(1);
    this.#log.info(`${this.#what} works again after ${seconds} s and ${this.#failures} failed attempt(s)`);
    this.#failures = 0;
    this.#kinds.clear();
  }
}
