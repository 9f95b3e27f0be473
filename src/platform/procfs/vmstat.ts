/**
 * /proc/vmstat: host-wide virtual memory counters (`key value` per line).
 */
import { parseFlatKeyed } from "../flat_keyed.ts";
import type { HostPaths } from "../host_paths.ts";

export type Vmstat = Readonly<Record<string, number>>;

export function parseVmstat(text: string, source = "vmstat"): Vmstat {
  return parseFlatKeyed(text, source);
}

/** Reads and parses `<proc>/vmstat`. */
export function readVmstat(paths: HostPaths): Vmstat {
  const path = `${paths.proc}/vmstat`;
  return parseVmstat(Deno.readTextFileSync(path), path);
}
