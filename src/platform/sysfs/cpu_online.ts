/**
 * /sys/devices/system/cpu/online: the logical CPUs the scheduler may use, in list format (`0-3,8-11`).
 */
import type { HostPaths } from "../host_paths.ts";
import { parseListFormat } from "../list_format.ts";
import * as hostFs from "../host_fs.ts";

/** Sorted ids of the online CPUs. */
export function parseOnlineCpus(text: string, source = "cpu/online"): number[] {
  return parseListFormat(text, source);
}

export function readOnlineCpus(paths: HostPaths): number[] {
  const path = `${paths.sys}/devices/system/cpu/online`;
  return parseOnlineCpus(hostFs.readTextFileSync(path), path);
}
