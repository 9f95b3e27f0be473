/**
 * Logging for the agent and its external components.
 *
 * The process has one LogHub, kept on globalThis under a registered symbol: an external component
 * loaded with `-r` may import its own copy of this module and must still log through the same hub
 * (same levels, same counters). This is the one deliberate piece of process-wide state.
 */
import { type Logger, LogHub } from "./hub.ts";

export { formatLine, formatTimestamp, Logger, LogHub, type ModuleCounts } from "./hub.ts";
export { escapeControl } from "./escape.ts";
export { FailureStreak, type FailureStreakOptions } from "./streak.ts";
export { OnceLog } from "./once.ts";
export { LEVEL_NAMES, type LevelName, levelName, LEVELS, parseLevel } from "./levels.ts";

const HUB_KEY = Symbol.for("wca.logging.hub");

/** The process hub. */
export function processHub(): LogHub {
  const holder = globalThis as unknown as Record<symbol, LogHub | undefined>;
  return holder[HUB_KEY] ??= new LogHub();
}

/** A logger of the process hub, e.g. `getLogger("wca.storage")`. */
export function getLogger(module: string): Logger {
  return processHub().getLogger(module);
}
export { logCountMetrics } from "./metrics.ts";
