/**
 * Reading a group's monitoring data (Documentation/arch/x86/resctrl.rst, "mon_data"): one directory
 * per L3 domain (mon_L3_00, mon_L3_01…), one file per event. A file reads a byte count, or
 * "Unavailable" (no value yet, e.g. right after the counters were reset) or "Error".
 */
import { readUnlessGone } from "../fs_errors.ts";
import { PlatformParseError } from "../parse.ts";

export type MonValue = number | "Unavailable" | "Error";

const COUNT = /^\d+\n?$/;

/** One event file's text. */
export function parseMonValue(text: string, source: string): MonValue {
  if (COUNT.test(text)) return Number(text);
  const word = text.trim();
  if (word === "Unavailable" || word === "Error") return word;
  throw new PlatformParseError(
    source,
    1,
    `expected a byte count, "Unavailable" or "Error", got ${JSON.stringify(word)}`,
  );
}

export const MON_EVENTS = ["llc_occupancy", "mbm_total_bytes", "mbm_local_bytes"] as const;
export type MonEvent = typeof MON_EVENTS[number];

export interface MonReading {
  /** Each event summed over every domain; absent when any domain had no value for it. */
  readonly totals: Partial<Readonly<Record<MonEvent, number>>>;
  /** Domains that had no value, as "mon_L3_01/mbm_total_bytes: Unavailable", for a debug log. */
  readonly missing: readonly string[];
}

/**
 * Sums `events` of the group at `groupDir` over `domains`. Returns undefined when the group is gone.
 * A sum that lacks a domain would make a counter jump down and up, so such an event is left out.
 */
export function readMonData(
  groupDir: string,
  domains: readonly string[],
  events: readonly MonEvent[],
): MonReading | undefined {
  const totals: Partial<Record<MonEvent, number>> = {};
  const missing: string[] = [];
  for (const event of events) {
    let sum = 0;
    let complete = domains.length > 0;
    for (const domain of domains) {
      const path = `${groupDir}/mon_data/${domain}/${event}`;
      const text = readUnlessGone(path);
      if (text === undefined) return undefined;
      const value = parseMonValue(text, path);
      if (typeof value === "number") sum += value;
      else {
        complete = false;
        missing.push(`${domain}/${event}: ${value}`);
      }
    }
    if (complete) totals[event] = sum;
  }
  return { totals, missing };
}
