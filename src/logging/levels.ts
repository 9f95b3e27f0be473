/** Log levels, Python-compatible numbers so seed configs and habits carry over; TRACE is ours. */
export const LEVELS = Object.freeze({
  CRITICAL: 50,
  ERROR: 40,
  WARNING: 30,
  INFO: 20,
  DEBUG: 10,
  TRACE: 5,
});

export type LevelName = keyof typeof LEVELS;

export const LEVEL_NAMES = Object.freeze(Object.keys(LEVELS) as LevelName[]);

/** Accepts any case and the aliases WARN and FATAL; returns undefined for anything else. */
export function parseLevel(text: string): LevelName | undefined {
  const upper = text.trim().toUpperCase();
  if (upper === "WARN") return "WARNING";
  if (upper === "FATAL") return "CRITICAL";
  return (LEVEL_NAMES as readonly string[]).includes(upper) ? upper as LevelName : undefined;
}

export function levelName(value: number): string {
  return LEVEL_NAMES.find((name) => LEVELS[name] === value) ?? `Level ${value}`;
}
