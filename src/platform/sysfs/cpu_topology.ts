/**
 * /sys/devices/system/cpu/cpuN/topology/{physical_package_id,core_id}: which socket and which core of
 * it a logical CPU belongs to. Each file holds one integer (-1 where the firmware does not say).
 */
import type { HostPaths } from "../host_paths.ts";
import { linesOf, PlatformParseError, toInteger } from "../parse.ts";
import * as hostFs from "../host_fs.ts";

export interface CpuTopologyIds {
  readonly cpu: number;
  /** physical_package_id. */
  readonly socket: number;
  /** core_id, unique only within its socket. */
  readonly core: number;
}

/** The single integer of a topology file. */
export function parseTopologyId(text: string, source = "topology"): number {
  const lines = linesOf(text);
  if (lines.length !== 1) throw new PlatformParseError(source, undefined, "expected exactly one line");
  return toInteger(lines[0]!.trim(), source, 1, "topology id");
}

/** Reads the ids of the given CPUs (normally the online ones: offline CPUs have no topology). */
export function readCpuTopology(paths: HostPaths, cpus: readonly number[]): CpuTopologyIds[] {
  return cpus.map((cpu) => {
    const dir = `${paths.sys}/devices/system/cpu/cpu${cpu}/topology`;
    const read = (name: string) => {
      const path = `${dir}/${name}`;
      return parseTopologyId(hostFs.readTextFileSync(path), path);
    };
    return Object.freeze({ cpu, socket: read("physical_package_id"), core: read("core_id") });
  });
}
