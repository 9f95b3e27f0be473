/**
 * /proc/zoneinfo: per NUMA node and memory zone counters, read the way WCA read them.
 *
 * Shape (mm/vmstat.c, zoneinfo_show_print):
 *   Node 0, zone   Normal      <- some patched kernels add fields: "Node 0, zone DMA, toptier 1"
 *     per-node stats          <- only under the first zone of a node: zone "per-node-stats" until…
 *         nr_inactive_anon 987
 *     pages free     323104   <- …this line, which is read as " free 323104" of the zone
 *           min      5984
 *           protection: (0, 0, 0)
 *         nr_free_pages 323104
 *     pagesets
 *       cpu: 0
 *                 count: 0
 *     vm stats threshold: 4
 *     node_unreclaimable:  0
 *
 * Every other line is offered to a line pattern with two groups (key, value), matched at the start of
 * the line as Python's re.match does; lines it does not match are not data and are passed over. WCA's
 * default pattern takes "  name  number" lines, so "key: value" lines (pagesets, start_pfn) stay out.
 */
import type { SkipReporter } from "../flat_keyed.ts";
import type { HostPaths } from "../host_paths.ts";
import { type FileShape, type ReadText, readTextFile } from "../open_files.ts";
import { linesOf } from "../parse.ts";
import { groupCount, matchAtStart } from "../regexp.ts";

/** WCA's default zoneinfo pattern: an indented lowercase name, spaces, an integer. */
export const DEFAULT_ZONEINFO_PATTERN = String.raw`\s+([a-z_]+)\s+(\d+)`;

/** The zone label of the node counters printed under "per-node stats" (WCA's name). */
export const PER_NODE_STATS = "per-node-stats";

export interface ZoneinfoValue {
  readonly node: number;
  /** The zone name, or PER_NODE_STATS. */
  readonly zone: string;
  readonly key: string;
  readonly value: number;
}

export type Zoneinfo = readonly ZoneinfoValue[];

/**
 * Compiles a zoneinfo line pattern; throws an Error saying what is wrong when it is not a regular
 * expression or has other than exactly two groups.
 */
export function zoneinfoPattern(pattern: string = DEFAULT_ZONEINFO_PATTERN): RegExp {
  const regexp = matchAtStart(pattern);
  const groups = groupCount(regexp);
  if (groups !== 2) {
    throw new Error(
      "expected a regular expression with exactly two groups (key, value), like WCA's default " +
        `${DEFAULT_ZONEINFO_PATTERN}; this one has ${groups}`,
    );
  }
  return regexp;
}

const DEFAULT_PATTERN = zoneinfoPattern();
const HEADER = /^Node\s/;
const PER_NODE_HEADER = /^\s+per-node stats/;
const PAGES = /^\s+pages/;

/**
 * The values `pattern` takes from zoneinfo text. A value that is not a number, and a zone header that
 * cannot be read (with the lines under it), are skipped and reported through `onSkip`.
 */
export function parseZoneinfo(
  text: string,
  options: { pattern?: RegExp; source?: string; onSkip?: SkipReporter } = {},
): Zoneinfo {
  const pattern = options.pattern ?? DEFAULT_PATTERN;
  const source = options.source ?? "zoneinfo";
  const values = new Map<string, ZoneinfoValue>();
  let node: number | undefined;
  let zone: string | undefined;
  let zoneBeforeNodeStats: string | undefined;
  const lines = linesOf(text);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (HEADER.test(line)) {
      const parts = line.trim().split(/\s+/);
      const id = (parts[1] ?? "").replace(/,$/, "");
      if (!/^\d+$/.test(id) || parts[2] !== "zone" || parts[3] === undefined) {
        options.onSkip?.(`${source}:${i + 1}: skipped ${JSON.stringify(line)}: expected "Node N, zone NAME"`);
        node = zone = undefined;
        continue;
      }
      node = Number(id);
      zone = parts[3].replace(/,$/, "");
      continue;
    }
    if (node === undefined || zone === undefined) continue;
    if (PER_NODE_HEADER.test(line)) {
      zoneBeforeNodeStats = zone;
      zone = PER_NODE_STATS;
      continue;
    }
    if (PAGES.test(line)) {
      // "  pages free 12" becomes " free 12" (WCA stripped the word), and ends the per-node stats.
      line = ` ${line.trimStart().replace(/^pages\s*/, "")}`;
      if (zone === PER_NODE_STATS && zoneBeforeNodeStats !== undefined) zone = zoneBeforeNodeStats;
    }
    const match = pattern.exec(line);
    if (match === null || match[1] === undefined || match[2] === undefined) continue;
    const value = match[2].trim() === "" ? NaN : Number(match[2]);
    if (!Number.isFinite(value)) {
      options.onSkip?.(
        `${source}:${i + 1}: skipped ${JSON.stringify(match[2])} for ${match[1]}: not a number`,
      );
      continue;
    }
    const key = match[1];
    values.set(`${node}\0${zone}\0${key}`, Object.freeze({ node, zone, key, value }));
  }
  return Object.freeze([...values.values()]);
}

/** A zone per record, its size growing with the CPUs (a pageset each): read until a read returns 0. */
const ZONEINFO_SHAPE: FileShape = Object.freeze({ recordBytes: Infinity });

/** Reads and parses `<proc>/zoneinfo`. */
export function readZoneinfo(
  paths: HostPaths,
  { read = readTextFile, ...options }: { pattern?: RegExp; onSkip?: SkipReporter; read?: ReadText } = {},
): Zoneinfo {
  const path = `${paths.proc}/zoneinfo`;
  return parseZoneinfo(read(path, ZONEINFO_SHAPE), { ...options, source: path });
}
