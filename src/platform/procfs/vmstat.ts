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

/** nr_* keys that count events since boot (mm/vmstat.c), unlike the other nr_* amounts. */
const NR_EVENT_COUNTS =
  /^nr_(vmscan_write|vmscan_immediate_reclaim|dirtied|written|throttled_written|foll_pin_acquired|foll_pin_released|tlb_.*)$/;

/**
 * Whether a vmstat key (of /proc/vmstat or a node's vmstat) counts events since boot (pgfault,
 * numa_hint_faults, nr_dirtied …) rather than holding a current amount (nr_free_pages, nr_dirty,
 * workingset_nodes): the kernel's meaning, so a Prometheus counter or gauge.
 */
export function isVmstatEventCount(key: string): boolean {
  if (key.startsWith("nr_")) return NR_EVENT_COUNTS.test(key);
  return key !== "workingset_nodes";
}
