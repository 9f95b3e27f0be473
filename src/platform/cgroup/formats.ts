/**
 * The simple cgroup interface file formats (cgroup-v2.rst "Interface Files"): a single value, a limit
 * that may read "max", and a newline-separated id list (tasks, cgroup.procs, cgroup.threads).
 */
import { linesOf, PlatformParseError, toInteger } from "../parse.ts";

/**
 * v1 prints "no limit" as PAGE_COUNTER_MAX pages in bytes: LONG_MAX rounded down to the page size
 * (9223372036854771712 with 4 KiB pages). Anything this close to 2^63 is unlimited for any page size up
 * to 1 MiB.
 */
const V1_UNLIMITED_FROM = 2 ** 63 - 2 ** 20;

/** A file holding one integer, e.g. cpuacct.usage or memory.usage_in_bytes. */
export function parseSingleInteger(text: string, source: string): number {
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

/** One integer id per line; an empty file is an empty list. */
export function parseIdList(text: string, source: string): number[] {
  const ids: number[] = [];
  const lines = linesOf(text);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line !== "") ids.push(toInteger(line, source, i + 1, "id"));
  }
  return ids;
}
