/**
 * memory.numa_stat: the task's memory per NUMA node, the source of task_mem_numa_pages.
 *
 * v1 (cgroup-v1/memory.rst) counts pages: `total=37686 N0=37686`, with `hierarchical_total=` including
 * child cgroups; hierarchical_total is preferred, total is the fallback on kernels without it.
 * v2 (cgroup-v2.rst) counts bytes per kind: `anon N0=4096 N1=0`, `file N0=…`; anon + file is the
 * memory charged on the node (the same pages v1's total counts), divided by the page size.
 */
import { linesOf, PlatformParseError, toInteger } from "../parse.ts";

/** Parses every line into key → node → value, accepting both `key=… N0=…` (v1) and `key N0=…` (v2). */
export function parseNumaStatLines(text: string, source: string): Map<string, Map<number, number>> {
  const result = new Map<string, Map<number, number>>();
  const lines = linesOf(text);
  for (let i = 0; i < lines.length; i++) {
    const fields = lines[i]!.trim().split(/\s+/);
    if (fields[0] === "") continue;
    const head = fields[0]!;
    const eq = head.indexOf("=");
    const key = eq < 0 ? head : head.slice(0, eq);
    const perNode = new Map<number, number>();
    for (const field of fields.slice(1)) {
      const match = /^N(\d+)=(.*)$/.exec(field);
      if (match === null) {
        throw new PlatformParseError(source, i + 1, `expected N<node>=<value>, got ${JSON.stringify(field)}`);
      }
      perNode.set(Number(match[1]), toInteger(match[2], source, i + 1, `${key} N${match[1]}`));
    }
    result.set(key, perNode);
  }
  return result;
}

/** Lines of a head token and `N<node>=<integer>` fields, single spaces: what the kernel writes. */
const NUMA_STAT_LINES = /^(?:[\x21-\x7e]+(?: N\d+=-?\d+)*\n)*$/;

/**
 * The per-node values of the last line whose key (head up to "=") is `key`, as parseNumaStatLines
 * gives them, for text already checked against NUMA_STAT_LINES; undefined when no line has the key.
 */
function lastNumaLine(text: string, key: string): Map<number, number> | undefined {
  let found: string | undefined;
  for (let start = 0; start < text.length;) {
    const end = text.indexOf("\n", start);
    if (text.startsWith(key, start)) {
      const next = text[start + key.length];
      if (next === "=" || next === " " || next === "\n") found = text.slice(start, end);
    }
    start = end + 1;
  }
  if (found === undefined) return undefined;
  const perNode = new Map<number, number>();
  const fields = found.split(" ");
  for (let i = 1; i < fields.length; i++) {
    const field = fields[i]!;
    const eq = field.indexOf("=");
    perNode.set(Number(field.slice(1, eq)), Number(field.slice(eq + 1)));
  }
  return perNode;
}

/** v1: pages per node from hierarchical_total, else total. */
export function parseNumaStatV1(text: string, source = "memory.numa_stat"): Map<number, number> {
  // Fast path for the usual text: only the wanted line is converted. Anything else, including a file
  // with neither line, takes the general path (same result or the same error).
  if (NUMA_STAT_LINES.test(text)) {
    const pages = lastNumaLine(text, "hierarchical_total") ?? lastNumaLine(text, "total");
    if (pages !== undefined) return pages;
  }
  const lines = parseNumaStatLines(text, source);
  const pages = lines.get("hierarchical_total") ?? lines.get("total");
  if (pages === undefined) {
    throw new PlatformParseError(source, undefined, "no hierarchical_total or total line");
  }
  return pages;
}

/** v2: pages per node from (anon + file) bytes / pageSize. */
export function parseNumaStatV2(
  text: string,
  pageSize: number,
  source = "memory.numa_stat",
): Map<number, number> {
  const lines = parseNumaStatLines(text, source);
  const anon = lines.get("anon");
  const file = lines.get("file");
  if (anon === undefined || file === undefined) {
    throw new PlatformParseError(source, undefined, "no anon or file line");
  }
  const pages = new Map<number, number>();
  for (const node of new Set([...anon.keys(), ...file.keys()])) {
    pages.set(node, Math.floor(((anon.get(node) ?? 0) + (file.get(node) ?? 0)) / pageSize));
  }
  return pages;
}
