/**
 * /sys/devices/system/node/nodeN/meminfo: memory of one NUMA node, lines like
 * `Node 0 MemFree:   4457408 kB`. The source of platform_mem_numa_{free,used}_bytes.
 */
import type { HostPaths } from "../host_paths.ts";
import { type ReadText, readTextFile } from "../open_files.ts";
import { linesOf, PlatformParseError } from "../parse.ts";
import { parseMeminfoValues } from "../procfs/meminfo.ts";

export interface NodeMeminfo {
  readonly node: number;
  /** Every line, without the "Node N" prefix: sizes in bytes, unitless counts as is. */
  readonly values: Readonly<Record<string, number>>;
  readonly memFreeBytes: number;
  readonly memUsedBytes: number;
}

const PREFIX = /^Node (\d+) /;

/** Parses one node's meminfo; every line must carry the same node id. */
export function parseNodeMeminfo(text: string, source = "node/meminfo"): NodeMeminfo {
  let node: number | undefined;
  const lines = linesOf(text);
  const stripped = lines.map((line, i) => {
    if (line.trim() === "") return line;
    const match = PREFIX.exec(line);
    if (match === null) throw new PlatformParseError(source, i + 1, `expected "Node N Key: value"`);
    const id = Number(match[1]);
    if (node !== undefined && id !== node) {
      throw new PlatformParseError(source, i + 1, `node ${id} in a file of node ${node}`);
    }
    node = id;
    return line.slice(match[0].length);
  });
  // Same line count, so line numbers in errors still match the file.
  const values = parseMeminfoValues(stripped.join("\n"), source);
  const need = (key: string): number => {
    const value = values[key];
    if (value === undefined) throw new PlatformParseError(source, undefined, `missing ${key}`);
    return value;
  };
  if (node === undefined) throw new PlatformParseError(source, undefined, "empty");
  return Object.freeze({ node, values, memFreeBytes: need("MemFree"), memUsedBytes: need("MemUsed") });
}

/** Reads the meminfo of each given node (from readOnlineNodes, read once: no globbing per call). */
export function readNodeMeminfo(
  paths: HostPaths,
  nodes: readonly number[],
  { read = readTextFile }: { read?: ReadText } = {},
): Map<number, NodeMeminfo> {
  const result = new Map<number, NodeMeminfo>();
  for (const node of nodes) {
    const path = `${paths.sys}/devices/system/node/node${node}/meminfo`;
    const info = parseNodeMeminfo(read(path), path);
    if (info.node !== node) throw new PlatformParseError(path, 1, `file describes node ${info.node}`);
    result.set(node, info);
  }
  return result;
}
