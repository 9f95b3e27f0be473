/**
 * Calls a detector or allocator under a time limit. A plugin that throws, rejects or does not answer in
 * time costs that iteration's decisions, never the agent: the caller gets a reason to log. A plugin that
 * blocks the event loop synchronously cannot be interrupted from inside the process; the limit then
 * shows as an overrun of the interval (and the README says so).
 */

/** Characters kept of what a plugin threw. */
const MESSAGE_CHARS = 500;

export type PluginOutcome<T> =
  | { readonly ok: true; readonly value: T; readonly seconds: number }
  | {
    readonly ok: false;
    readonly reason: string;
    readonly seconds: number;
    /** The kind of failure for a FailureStreak; undefined: the reason itself (each new error is news). */
    readonly kind?: string;
  };

export async function callPlugin<T>(
  what: string,
  call: () => T | Promise<T>,
  timeLimitSeconds: number,
): Promise<PluginOutcome<T>> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeLimitSeconds * 1000);
  });
  try {
    const result = await Promise.race([Promise.resolve().then(call), timeout]);
    if (result === "timeout") {
      return {
        ok: false,
        reason: `${what} did not answer within ${timeLimitSeconds} s`,
        seconds: seconds(),
        kind: "no answer",
      };
    }
    return { ok: true, value: result as T, seconds: seconds() };
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    // A plugin's error message is its own text: a line stays readable whatever it threw.
    const message = text.length > MESSAGE_CHARS ? `${text.slice(0, MESSAGE_CHARS - 3)}...` : text;
    return { ok: false, reason: `${what} failed: ${message}`, seconds: seconds() };
  } finally {
    clearTimeout(timer);
  }
}
