/**
 * /proc/zoneinfo: per NUMA node and memory zone counters.
 *
 * Shape (mm/vmstat.c, zoneinfo_show_print):
 *   Node 0, zone   Normal
 *     per-node stats          <- only under the first zone of a node; its counters belong to the node
 *         nr_inactive_anon 987
 *     pages free     323104   <- recorded as "free"
 *           min      5984
 *           protection: (0, 0, 0)   <- skipped: a list, not a number
 *         nr_free_pages 323104
 *     pagesets                <- per-CPU lists, indented deeper, skipped with "vm stats threshold"
 *       cpu: 0
 *                 count: 0
 *     vm stats threshold: 4
 *     node_unreclaimable:  0  <- zone counter again ("key: value" form)
 */
import type { HostPaths } from "../host_paths.ts";
import { linesOf, PlatformParseError, toInteger } from "../parse.ts";

export interface ZoneStats {
  readonly node: number;
  readonly zone: string;
  readonly values: Readonly<Record<string, number>>;
}

export interface Zoneinfo {
  readonly zones: readonly ZoneStats[];
  /** The "per-node stats" counters, by node id. */
  readonly nodes: ReadonlyMap<number, Readonly<Record<string, number>>>;
}

const HEADER = /^Node (\d+), zone\s+(\S+)$/;
const PAGES_FREE = /^pages free\s+(\S+)$/;
const KEY_VALUE = /^([A-Za-z_][\w()-]*):?\s+(\S+)$/;
/** Per-CPU pageset lines are indented by at least this many spaces. */
const PAGESET_INDENT = 4;

type Section = "zone" | "node" | "pagesets";

/** Parses zoneinfo; any line it does not recognise outside the pagesets is an error. */
export function parseZoneinfo(text: string, source = "zoneinfo"): Zoneinfo {
  const zones: ZoneStats[] = [];
  const nodes = new Map<number, Record<string, number>>();
  let zoneValues: Record<string, number> | undefined;
  let nodeValues: Record<string, number> | undefined;
  let section: Section = "zone";
  const lines = linesOf(text);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = raw.trim();
    if (line === "") continue;
    const header = HEADER.exec(line);
    if (header !== null) {
      const node = Number(header[1]);
      zoneValues = {};
      zones.push({ node, zone: header[2]!, values: zoneValues });
      nodeValues = nodes.get(node) ?? {};
      nodes.set(node, nodeValues);
      section = "zone";
      continue;
    }
    if (zoneValues === undefined || nodeValues === undefined) {
      throw new PlatformParseError(
        source,
        i + 1,
        `expected "Node N, zone NAME" before ${JSON.stringify(line)}`,
      );
    }
    if (section === "pagesets") {
      const indent = raw.length - raw.trimStart().length;
      if (indent >= PAGESET_INDENT || line.startsWith("vm stats threshold")) continue;
      section = "zone";
    }
    if (line === "per-node stats") {
      section = "node";
      continue;
    }
    if (line === "pagesets") {
      section = "pagesets";
      continue;
    }
    if (line.startsWith("protection:")) continue;
    const free = PAGES_FREE.exec(line);
    if (free !== null) {
      section = "zone";
      zoneValues["free"] = toInteger(free[1], source, i + 1, "pages free");
      continue;
    }
    const pair = KEY_VALUE.exec(line);
    if (pair === null) {
      throw new PlatformParseError(source, i + 1, `unrecognised line ${JSON.stringify(line)}`);
    }
    const target = section === "node" ? nodeValues : zoneValues;
    target[pair[1]!] = toInteger(pair[2], source, i + 1, pair[1]!);
  }
  for (const zone of zones) Object.freeze(zone.values);
  for (const values of nodes.values()) Object.freeze(values);
  return Object.freeze({ zones: Object.freeze(zones.map((z) => Object.freeze(z))), nodes });
}

/** Reads and parses `<proc>/zoneinfo`. */
export function readZoneinfo(paths: HostPaths): Zoneinfo {
  const path = `${paths.proc}/zoneinfo`;
  return parseZoneinfo(Deno.readTextFileSync(path), path);
}
