/**
 * An iteration that takes longer than the interval is news once per streak: one warning naming the step
 * that took longest (again only if another step becomes the slowest), repeats at debug, and one line
 * with the count when iterations fit the interval again. Every runner reports its overruns through it.
 * The first iteration's overrun (code loading, first connections) is a debug line.
 */
import { FailureStreak, type Logger } from "../logging/mod.ts";

export class OverrunReport {
  readonly #streak: FailureStreak;
  readonly #interval: number;
  readonly #log: Pick<Logger, "debug">;
  /** The first iteration loads code and opens files: its overrun is no news. */
  #first = true;

  /** `runner` names the loop in the recovery line, e.g. "MeasurementRunner". */
  constructor(
    log: Pick<Logger, "warning" | "info" | "debug" | "error">,
    runner: string,
    interval: number,
    now?: () => number,
  ) {
    this.#interval = interval;
    this.#log = log;
    this.#streak = new FailureStreak(log, `${runner}'s ${interval} s interval`, {
      level: "warning",
      remindSeconds: Infinity,
      ...(now ? { now } : {}),
    });
  }

  /** An iteration overran by `skipped` ticks; `steps` are its steps' seconds. */
  overran(skipped: number, steps: Readonly<Record<string, number>>): void {
    const slowest = slowestStep(steps);
    const where = slowest === undefined
      ? ""
      : `, most of it in step '${slowest[0]}' (${slowest[1].toFixed(2)} s)`;
    const message = `an iteration took longer than the ${this.#interval} s interval${where}; skipped ` +
      `${skipped} iteration${skipped === 1 ? "" : "s"}`;
    if (this.#first) {
      this.#first = false;
      this.#log.debug(`${message} (the first iteration, which warms up)`);
      return;
    }
    this.#streak.fail(message, slowest?.[0] ?? "unknown");
  }

  /** An iteration fit the interval: ends a streak with one line. */
  inTime(): void {
    this.#first = false;
    this.#streak.succeed();
  }
}

/** The step that took longest, if any. */
export function slowestStep(steps: Readonly<Record<string, number>>): [string, number] | undefined {
  let slowest: [string, number] | undefined;
  for (const [step, seconds] of Object.entries(steps)) {
    if (slowest === undefined || seconds > slowest[1]) slowest = [step, seconds];
  }
  return slowest;
}
