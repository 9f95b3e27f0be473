/**
 * /sys/devices/system/node/nodeN/vmstat: the per-node subset of /proc/vmstat, same `key value` format.
 */
import type { SkipReporter } from "../flat_keyed.ts";
import type { HostPaths } from "../host_paths.ts";
import { type ReadText, readTextFile } from "../open_files.ts";
import { parseVmstat, type Vmstat } from "../procfs/vmstat.ts";

export function parseNodeVmstat(text: string, source = "node/vmstat", onSkip?: SkipReporter): Vmstat {
  return parseVmstat(text, source, onSkip);
}

/** Reads the vmstat of each given node. */
export function readNodeVmstat(
  paths: HostPaths,
  nodes: readonly number[],
  { onSkip, read = readTextFile }: { onSkip?: SkipReporter; read?: ReadText } = {},
): Map<number, Vmstat> {
  const result = new Map<number, Vmstat>();
  for (const node of nodes) {
    const path = `${paths.sys}/devices/system/node/node${node}/vmstat`;
    result.set(node, parseNodeVmstat(read(path), path, onSkip));
  }
  return result;
}
