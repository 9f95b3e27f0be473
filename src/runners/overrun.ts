/**
 * An iteration that takes longer than the interval is news once per streak: one warning naming the step
 * that took longest (again only if another step becomes the slowest), repeats at debug, and one line
 * with the count when iterations fit the interval again. Every runner reports its overruns through it.
 */
import { FailureStreak, type Logger } from "../logging/mod.ts";

export class OverrunReport {
  readonly #streak: FailureStreak;
  readonly #interval: number;

  /** `runner` names the loop in the recovery line, e.g. "MeasurementRunner". */
  constructor(
    log: Pick<Logger, "warning" | "info" | "debug" | "error">,
    runner: string,
    interval: number,
    now?: () => number,
  ) {
    this.#interval = interval;
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
    this.#streak.fail(
      `an iteration took longer than the ${this.#interval} s interval${where}; skipped ${skipped} ` +
        `iteration${skipped === 1 ? "" : "s"}`,
      slowest?.[0] ?? "unknown",
    );
  }

  /** An iteration fit the interval: ends a streak with one line. */
  inTime(): void {
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
