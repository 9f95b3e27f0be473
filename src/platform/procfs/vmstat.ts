/**
 * /proc/vmstat: host-wide virtual memory counters (`key value` per line).
 */
import { parseFlatKeyed, type SkipReporter } from "../flat_keyed.ts";
import type { HostPaths } from "../host_paths.ts";
import { type FileShape, type ReadText, readTextFile } from "../open_files.ts";

export type Vmstat = Readonly<Record<string, number>>;

/** Unreadable lines are skipped and reported through `onSkip`. */
export function parseVmstat(text: string, source = "vmstat", onSkip?: SkipReporter): Vmstat {
  return parseFlatKeyed(text, source, onSkip);
}

/** A `key value` line per record, each well under 128 bytes (mm/vmstat.c vmstat_show). */
const VMSTAT_SHAPE: FileShape = Object.freeze({ recordBytes: 128 });

/** Reads and parses `<proc>/vmstat`. */
export function readVmstat(
  paths: HostPaths,
  { onSkip, read = readTextFile }: { onSkip?: SkipReporter; read?: ReadText } = {},
): Vmstat {
  const path = `${paths.proc}/vmstat`;
  return parseVmstat(read(path, VMSTAT_SHAPE), path, onSkip);
}
