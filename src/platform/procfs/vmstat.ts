/**
 * /proc/vmstat: host-wide virtual memory counters (`key value` per line).
 */
import { parseFlatKeyed, type SkipReporter } from "../flat_keyed.ts";
import type { HostPaths } from "../host_paths.ts";

export type Vmstat = Readonly<Record<string, number>>;

/** Unreadable lines are skipped and reported through `onSkip`. */
export function parseVmstat(text: string, source = "vmstat", onSkip?: SkipReporter): Vmstat {
  return parseFlatKeyed(text, source, onSkip);
}

/** Reads and parses `<proc>/vmstat`. */
export function readVmstat(paths: HostPaths, onSkip?: SkipReporter): Vmstat {
  const path = `${paths.proc}/vmstat`;
  return parseVmstat(Deno.readTextFileSync(path), path, onSkip);
}
