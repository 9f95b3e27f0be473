/**
 * /sys/devices/system/node/online: the NUMA nodes with memory or CPUs, in list format (`0-1`).
 */
import { isNotFound } from "../fs_errors.ts";
import type { HostPaths } from "../host_paths.ts";
import { parseListFormat } from "../list_format.ts";
import * as hostFs from "../host_fs.ts";

export function parseOnlineNodes(text: string, source = "node/online"): number[] {
  return parseListFormat(text, source);
}

/** Sorted ids of the online nodes; [0] on kernels built without NUMA, which have no node directory. */
export function readOnlineNodes(paths: HostPaths): number[] {
  const path = `${paths.sys}/devices/system/node/online`;
  try {
    return parseOnlineNodes(hostFs.readTextFileSync(path), path);
  } catch (error) {
    if (isNotFound(error)) return [0];
    throw error;
  }
}
