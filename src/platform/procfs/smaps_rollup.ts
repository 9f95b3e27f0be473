/**
 * /proc/PID/smaps_rollup and /proc/PID/clear_refs: the working-set-size readings. `Referenced:` is the
 * memory of the process whose pages were touched since the last write of "1" to clear_refs
 * (Documentation/filesystems/proc.rst, "smaps_rollup" and "clear_refs"). smaps_rollup is the sum of
 * every mapping's smaps lines in one line each, so the kernel walks the mappings once and we read a few
 * hundred bytes instead of every mapping (WCA read smaps).
 */
import * as hostFs from "../host_fs.ts";
import type { HostPaths } from "../host_paths.ts";
import { isGoneError, readUnlessGone } from "../fs_errors.ts";
import { linesOf, PlatformParseError, toInteger } from "../parse.ts";

export interface SmapsRollup {
  /** `Referenced:` in bytes (the kernel prints kB, meaning KiB). */
  readonly referencedBytes: number;
  /** `Rss:` in bytes. */
  readonly rssBytes: number;
}

const SIZE_LINE = /^(\w+):\s+(\d+) kB$/;

/** Parses the text of smaps_rollup: a header line with the address range, then `Key: N kB` lines. */
export function parseSmapsRollup(text: string, source = "smaps_rollup"): SmapsRollup {
  const values = new Map<string, number>();
  const lines = linesOf(text);
  for (let i = 1; i < lines.length; i++) {
    const match = SIZE_LINE.exec(lines[i]!.trimEnd());
    // Lines that are not sizes (none today; VmFlags is smaps-only) are not ours to judge.
    if (match === null) continue;
    values.set(match[1]!, toInteger(match[2], source, i + 1, match[1]!) * 1024);
  }
  const need = (key: string): number => {
    const value = values.get(key);
    if (value === undefined) throw new PlatformParseError(source, undefined, `no "${key}: N kB" line`);
    return value;
  };
  return { referencedBytes: need("Referenced"), rssBytes: need("Rss") };
}

/** The process's smaps_rollup; undefined when the process has exited. */
export function readSmapsRollup(paths: HostPaths, pid: number): SmapsRollup | undefined {
  const path = `${paths.proc}/${pid}/smaps_rollup`;
  const text = readUnlessGone(path);
  if (text === undefined) return undefined;
  // A kernel thread or a zombie has no mm: the file is empty.
  if (text === "") return undefined;
  return parseSmapsRollup(text, path);
}

/** Clears the referenced bits of every page of the process; false when it has exited. */
export function clearRefs(paths: HostPaths, pid: number): boolean {
  try {
    const file = hostFs.openForWriteSync(`${paths.proc}/${pid}/clear_refs`, {});
    try {
      file.writeSync(new TextEncoder().encode("1\n"));
    } finally {
      file.close();
    }
    return true;
  } catch (error) {
    if (isGoneError(error)) return false;
    throw error;
  }
}
