/**
 * "Flat keyed" files: one `key value` pair per line (/proc/vmstat, node vmstat, cgroup memory.stat and
 * cpu.stat). Values are integers.
 *
 * Patched and future kernels add lines of their own; one line we cannot read must not cost the whole
 * file, so such a line is skipped and reported through `onSkip` (the caller logs it at debug level).
 */
import { linesOf } from "./parse.ts";

/** Told about each skipped line: "<source>:<line>: <reason>". */
export type SkipReporter = (message: string) => void;

const INTEGER = /^-?\d+$/;

/** Parses `key value` lines into a frozen record; blank lines are skipped silently, malformed ones reported. */
export function parseFlatKeyed(
  text: string,
  source: string,
  onSkip?: SkipReporter,
): Readonly<Record<string, number>> {
  const values: Record<string, number> = {};
  const lines = linesOf(text);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    const fields = line.split(/\s+/);
    if (fields.length !== 2 || !INTEGER.test(fields[1]!)) {
      onSkip?.(`${source}:${i + 1}: skipped ${JSON.stringify(line)}: expected "key integer"`);
      continue;
    }
    values[fields[0]!] = Number(fields[1]);
  }
  return Object.freeze(values);
}
