/**
 * The base of every periodic runner: call `iteration` every `interval` seconds on a fixed grid
 * (start + k·interval), so the period does not drift by the iteration's own duration. An iteration that
 * overruns skips the ticks it missed instead of running back to back. Abort finishes the current
 * iteration and stops before the next.
 */

export interface LoopOptions {
  /** Seconds between iteration starts. */
  interval: number;
  signal: AbortSignal;
  /** One pass; its errors are the caller's to handle (the loop does not swallow them). */
  iteration: (index: number) => Promise<void> | void;
  /** Stop after this many iterations (tests, one-shot runs); default unbounded. */
  maxIterations?: number;
  now?: () => number;
  /** Called with the number of ticks skipped when an iteration overran. */
  onOverrun?: (skipped: number) => void;
  /** Called when an iteration fit the interval (ends an overrun streak). */
  onInTime?: () => void;
}

/** Resolves after `ms` or as soon as `signal` aborts, whichever is first. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Runs iterations until aborted or `maxIterations` is reached; returns how many ran. */
export async function runLoop(options: LoopOptions): Promise<number> {
  const now = options.now ?? (() => performance.now());
  const periodMs = options.interval * 1000;
  const start = now();
  let index = 0;
  let tick = 0;
  while (!options.signal.aborted && (options.maxIterations === undefined || index < options.maxIterations)) {
    await options.iteration(index++);
    if (options.signal.aborted || index === options.maxIterations) break;
    const elapsedTicks = (now() - start) / periodMs;
    const next = Math.max(tick + 1, Math.ceil(elapsedTicks));
    if (next > tick + 1) options.onOverrun?.(next - tick - 1);
    else options.onInTime?.();
    tick = next;
    await sleep(start + tick * periodMs - now(), options.signal);
  }
  return index;
}
