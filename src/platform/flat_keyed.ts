/**
 * "Flat keyed" files: one `key value` pair per line (/proc/vmstat, node vmstat, cgroup memory.stat and
 * cpu.stat). Values are integers.
 */
import { linesOf, PlatformParseError, toInteger } from "./parse.ts";

/** Parses `key value` lines into a frozen record; blank lines are skipped. */
export function parseFlatKeyed(text: string, source: string): Readonly<Record<string, number>> {
  const values: Record<string, number> = {};
  const lines = linesOf(text);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    const fields = line.split(/\s+/);
    if (fields.length !== 2) {
      throw new PlatformParseError(source, i + 1, `expected "key value", got ${JSON.stringify(line)}`);
    }
    values[fields[0]!] = toInteger(fields[1], source, i + 1, fields[0]!);
  }
  return Object.freeze(values);
}
