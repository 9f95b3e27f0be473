/**
 * The kernel's "list format" for sets of CPUs and nodes (cpus online, node online, cpuset.cpus):
 * comma-separated ranges such as `0-3,8-11`; an empty file is the empty set.
 */
import { PlatformParseError } from "./parse.ts";

/** Spaces around elements and dashes are tolerated (`5, 1- 2`): lists written by people carry them. */
const RANGE = /^(\d+)(?:\s*-\s*(\d+))?$/;

/** Expands `0-3,8` to [0, 1, 2, 3, 8], sorted and without duplicates. */
export function parseListFormat(text: string, source = "list"): number[] {
  const body = text.trim();
  if (body === "") return [];
  const ids = new Set<number>();
  for (const part of body.split(",")) {
    const match = RANGE.exec(part.trim());
    if (match === null) throw new PlatformParseError(source, 1, `bad list element ${JSON.stringify(part)}`);
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (last < first) throw new PlatformParseError(source, 1, `descending range ${JSON.stringify(part)}`);
    for (let id = first; id <= last; id++) ids.add(id);
  }
  return [...ids].sort((a, b) => a - b);
}

/** The inverse of parseListFormat: [0, 1, 2, 3, 8] to `0-3,8`. */
export function formatListFormat(ids: Iterable<number>): string {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}
