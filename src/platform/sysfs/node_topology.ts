/**
 * Per NUMA node: its CPUs (`node<N>/cpulist`, list format) and its distances to every node
 * (`node<N>/distance`, one integer per node in id order; 10 means local). Read once at start-up.
 */
import { isNotFound } from "../fs_errors.ts";
import type { HostPaths } from "../host_paths.ts";
import { parseListFormat } from "../list_format.ts";
import { PlatformParseError } from "../parse.ts";
import * as hostFs from "../host_fs.ts";

export interface NodeTopology {
  readonly cpus: readonly number[];
  /** Empty when the kernel has no distance file (non-NUMA builds). */
  readonly distances: readonly number[];
}

export function parseNodeDistances(text: string, source = "distance"): number[] {
  const fields = text.trim().split(/\s+/).filter(Boolean);
  return fields.map((field) => {
    if (!/^\d+$/.test(field)) {
      throw new PlatformParseError(source, 1, `expected integers, got ${JSON.stringify(field)}`);
    }
    return Number(field);
  });
}

/** Reads cpulist and distance of each node in `nodes`; a missing file gives an empty list. */
export function readNodeTopology(paths: HostPaths, nodes: readonly number[]): Map<number, NodeTopology> {
  const topology = new Map<number, NodeTopology>();
  const optional = (path: string, parse: (text: string, source: string) => number[]): number[] => {
    try {
      return parse(hostFs.readTextFileSync(path), path);
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
  };
  for (const node of nodes) {
    const dir = `${paths.sys}/devices/system/node/node${node}`;
    topology.set(
      node,
      Object.freeze({
        cpus: Object.freeze(optional(`${dir}/cpulist`, parseListFormat)),
        distances: Object.freeze(optional(`${dir}/distance`, parseNodeDistances)),
      }),
    );
  }
  return topology;
}
