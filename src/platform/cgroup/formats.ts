/**
 * The simple cgroup interface file formats (cgroup-v2.rst "Interface Files"): a single value, a limit
 * that may read "max", and a newline-separated id list (tasks, cgroup.procs, cgroup.threads).
 */
import { parseFlatKeyed, type SkipReporter } from "../flat_keyed.ts";
import { linesOf, PlatformParseError, toInteger } from "../parse.ts";

/**
 * v1 prints "no limit" as PAGE_COUNTER_MAX pages in bytes: LONG_MAX rounded down to the page size
 * (9223372036854771712 with 4 KiB pages). Anything this close to 2^63 is unlimited for any page size up
 * to 1 MiB.
 */
const V1_UNLIMITED_FROM = 2 ** 63 - 2 ** 20;

/** One integer and an optional final newline: what the kernel writes; checked without splitting. */
const SINGLE_INTEGER = /^-?\d+\n?$/;

/** A file holding one integer, e.g. cpuacct.usage or memory.usage_in_bytes. */
export function parseSingleInteger(text: string, source: string): number {
  // Fast path for the usual text; anything else takes the general path below (same result or error).
  if (SINGLE_INTEGER.test(text)) return Number(text);
  const lines = linesOf(text);
  if (lines.length !== 1) throw new PlatformParseError(source, undefined, "expected exactly one line");
  return toInteger(lines[0]!.trim(), source, 1, "value");
}

/**
 * A memory limit in bytes: v2 "max" and v1's near-2^63 "unlimited" both become Infinity, so consumers
 * see one representation for "no limit" on either version.
 */
export function parseLimit(text: string, source: string): number {
  if (text.trim() === "max") return Infinity;
  const value = parseSingleInteger(text, source);
  return value >= V1_UNLIMITED_FROM ? Infinity : value;
}

/** Lines of plain ids, each ending in a newline: what the kernel writes. */
const ID_LINES = /^(?:\d+\n)*$/;

/** One integer id per line; an empty file is an empty list. */
export function parseIdList(text: string, source: string): number[] {
  if (ID_LINES.test(text)) {
    const ids: number[] = [];
    for (let start = 0; start < text.length;) {
      const end = text.indexOf("\n", start);
      ids.push(Number(text.slice(start, end)));
      start = end + 1;
    }
    return ids;
  }
  const ids: number[] = [];
  const lines = linesOf(text);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line !== "") ids.push(toInteger(line, source, i + 1, "id"));
  }
  return ids;
}

/** `key value` lines with printable ASCII keys, single spaces and integer values: what the kernel writes. */
const FLAT_KEYED_LINES = /^(?:[\x21-\x7e]+ -?\d+\n)*$/;

/**
 * The values of `keys` in a flat keyed file (memory.stat, cpu.stat), exactly as
 * `parseFlatKeyed(text, source, onSkip)[key]` gives them: the last line of a key wins, and a malformed
 * line is skipped and reported the same way. Usual text is checked with one regular expression and only
 * the wanted lines are converted, instead of building a record of every key.
 */
export function pickFlatKeyed(
  text: string,
  source: string,
  keys: readonly string[],
  onSkip?: SkipReporter,
): (number | undefined)[] {
  if (!FLAT_KEYED_LINES.test(text)) {
    const all = parseFlatKeyed(text, source, onSkip);
    return keys.map((key) => all[key]);
  }
  return keys.map((key) => {
    let start = text.lastIndexOf(`\n${key} `);
    if (start >= 0) start += 1;
    else if (text.startsWith(`${key} `)) start = 0;
    else return undefined;
    const value = start + key.length + 1;
    return Number(text.slice(value, text.indexOf("\n", value)));
  });
}
