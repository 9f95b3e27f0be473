/**
 * resctrl schemata (Documentation/arch/x86/resctrl.rst, "Schemata files"): parsing what the kernel
 * prints, and validating what an allocator asks to write, against the limits in info/. Pure.
 *
 * Lines look like `L3:0=7ff;1=7ff`, `L3CODE:…`/`L3DATA:…` with CDP, `MB:0=100;1=100`; AMD pads values
 * (`MB:0=2048;1=  16`). A write may name only some domains; the kernel keeps the others.
 */
import { linesOf, PlatformParseError } from "../parse.ts";
import type { CacheInfo, ResctrlInfo } from "./types.ts";

/** Domain id → value text, in the order written. */
export type SchemataValues = ReadonlyMap<number, string>;

export interface SchemataLine {
  readonly resource: string;
  readonly values: SchemataValues;
}

const LINE = /^\s*([A-Za-z0-9_]+)\s*:(.*)$/;
const DOMAIN = /^\s*(\d+)\s*=\s*(\S+)\s*$/;

/** One `RESOURCE:id=value;id=value` line. */
export function parseSchemataLine(line: string, source: string, lineNumber = 1): SchemataLine {
  const match = LINE.exec(line);
  if (!match) {
    throw new PlatformParseError(
      source,
      lineNumber,
      `expected "RESOURCE:id=value;…", got ${JSON.stringify(line)}`,
    );
  }
  const values = new Map<number, string>();
  for (const part of match[2]!.split(";")) {
    if (part.trim() === "") continue;
    const domain = DOMAIN.exec(part);
    if (!domain) {
      throw new PlatformParseError(
        source,
        lineNumber,
        `expected "id=value" in ${match[1]}, got ${JSON.stringify(part)}`,
      );
    }
    const id = Number(domain[1]);
    if (values.has(id)) {
      throw new PlatformParseError(source, lineNumber, `domain ${id} of ${match[1]} is given twice`);
    }
    values.set(id, domain[2]!);
  }
  if (values.size === 0) throw new PlatformParseError(source, lineNumber, `${match[1]} has no domains`);
  return Object.freeze({ resource: match[1]!, values });
}

/** A whole schemata file: resource → domain values. */
export function parseSchemata(text: string, source: string): Map<string, SchemataValues> {
  const out = new Map<string, SchemataValues>();
  const lines = linesOf(text);
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() === "") continue;
    const line = parseSchemataLine(lines[i]!, source, i + 1);
    out.set(line.resource, line.values);
  }
  return out;
}

export function formatSchemataLine(resource: string, values: SchemataValues): string {
  return `${resource}:${[...values].map(([id, value]) => `${id}=${value}`).join(";")}`;
}

/** What an allocator asks for, in WCA's config format: `L3:0=fff;1=fff` and `MB:0=50;1=100`. */
export interface SchemataRequest {
  /** `L3:` lines (written as L3CODE and L3DATA on a CDP mount), or explicit `L3CODE:`/`L3DATA:` lines. */
  readonly l3?: string;
  readonly mb?: string;
}

export interface ValidatedSchemata {
  /** Lines to write, values as the kernel will hold them (MB rounded to bandwidth_gran). */
  readonly lines: readonly string[];
  /** What was changed on the way (rounding, CDP expansion), for the log. */
  readonly notes: readonly string[];
}

/** A request the host cannot take; `problems` names each domain, value and what was expected. */
export class SchemataError extends Error {
  override readonly name = "SchemataError";
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid schemata: ${problems.join("; ")}`);
    this.problems = Object.freeze([...problems]);
  }
}

/** Largest value the kernel takes in MBps mode (a u32). */
const MBPS_MAX = 2 ** 32 - 1;

/** Checks and normalises a request against `info`; throws SchemataError listing every problem. */
export function validateSchemata(request: SchemataRequest, info: ResctrlInfo): ValidatedSchemata {
  const problems: string[] = [];
  const notes: string[] = [];
  const lines: string[] = [];
  if (request.l3 !== undefined) {
    for (const line of requestLines(request.l3, "l3", ["L3", "L3CODE", "L3DATA"], problems)) {
      for (const l3 of l3Lines(line, info, problems, notes)) lines.push(l3);
    }
  }
  if (request.mb !== undefined) {
    for (const line of requestLines(request.mb, "mb", ["MB"], problems)) {
      const out = mbLine(line, info, problems, notes);
      if (out !== undefined) lines.push(out);
    }
  }
  if (problems.length > 0) throw new SchemataError(problems);
  return Object.freeze({ lines: Object.freeze(lines), notes: Object.freeze(notes) });
}

function requestLines(
  text: string,
  field: string,
  resources: readonly string[],
  problems: string[],
): SchemataLine[] {
  const out: SchemataLine[] = [];
  const lines = linesOf(text.trim());
  if (lines.length === 0) problems.push(`${field}: expected a line like ${resources[0]}:0=…, got nothing`);
  for (let i = 0; i < lines.length; i++) {
    let line: SchemataLine;
    try {
      line = parseSchemataLine(lines[i]!, field, i + 1);
    } catch (error) {
      problems.push((error as Error).message);
      continue;
    }
    if (!resources.includes(line.resource)) {
      problems.push(`${field}: expected a ${resources.join(" or ")} line, got ${line.resource}:`);
      continue;
    }
    out.push(line);
  }
  return out;
}

function l3Lines(line: SchemataLine, info: ResctrlInfo, problems: string[], notes: string[]): string[] {
  const targets: CacheInfo[] = [];
  if (line.resource === "L3") {
    if (info.l3) targets.push(info.l3);
    else if (info.l3code && info.l3data) {
      targets.push(info.l3code, info.l3data);
      notes.push("L3 is mounted with CDP (cdp): the L3 masks are written as both L3CODE and L3DATA");
    }
  } else {
    const cache = line.resource === "L3CODE" ? info.l3code : info.l3data;
    if (cache) targets.push(cache);
    else if (info.l3) {
      problems.push(
        `${line.resource} needs CDP (mount resctrl with -o cdp); this mount has plain L3: use L3:`,
      );
      return [];
    }
  }
  if (targets.length === 0) {
    problems.push(
      `${line.resource}: cache allocation (CAT) is not available: ${info.root}/info has no L3 directory`,
    );
    return [];
  }
  const out: string[] = [];
  for (const cache of targets) {
    const before = problems.length;
    const masks = new Map<number, string>();
    for (const [domain, text] of line.values) {
      if (!knownDomain(info, cache.resource, domain, problems)) continue;
      const mask = checkMask(cache, domain, text, problems);
      if (mask !== undefined) masks.set(domain, mask.toString(16));
    }
    if (problems.length === before) out.push(formatSchemataLine(cache.resource, masks));
    // With CDP one bad L3 mask would be reported twice (code and data): once is enough.
    if (problems.length > before) break;
  }
  return out;
}

function checkMask(cache: CacheInfo, domain: number, text: string, problems: string[]): bigint | undefined {
  const r = cache.resource;
  const at = `${r} domain ${domain}`;
  if (!/^(0x)?[0-9a-fA-F]{1,16}$/.test(text)) {
    problems.push(`${at}: expected a hexadecimal cache mask, got ${JSON.stringify(text)}`);
    return undefined;
  }
  const mask = BigInt(text.startsWith("0x") ? text : `0x${text}`);
  const shown = `0x${mask.toString(16)}`;
  if ((mask & ~cache.cbmMask) !== 0n) {
    problems.push(`${at}: mask ${shown} has bits outside info/${r}/cbm_mask 0x${cache.cbmMask.toString(16)}`);
    return undefined;
  }
  if (mask === 0n) {
    if (cache.minCbmBits > 0) {
      problems.push(
        `${at}: mask 0 is empty; expected at least ${cache.minCbmBits} bit(s) (info/${r}/min_cbm_bits)`,
      );
      return undefined;
    }
    return mask;
  }
  const bits = mask.toString(2);
  const runs = bits.split(/0+/).filter((run) => run !== "");
  if (runs.length > 1 && !cache.sparseMasks) {
    problems.push(
      `${at}: mask ${shown} has non-contiguous 1-bits; expected one block of consecutive 1-bits ` +
        `(info/${r}/sparse_masks is not 1)`,
    );
    return undefined;
  }
  const count = cache.sparseMasks ? runs.join("").length : runs[0]!.length;
  if (count < cache.minCbmBits) {
    problems.push(
      `${at}: mask ${shown} has ${count} bit(s); expected at least ${cache.minCbmBits} (info/${r}/min_cbm_bits)`,
    );
    return undefined;
  }
  return mask;
}

function mbLine(
  line: SchemataLine,
  info: ResctrlInfo,
  problems: string[],
  notes: string[],
): string | undefined {
  const mb = info.mb;
  if (!mb) {
    problems.push(
      `MB: memory bandwidth allocation (MBA) is not available: ${info.root}/info has no MB directory`,
    );
    return undefined;
  }
  const before = problems.length;
  const values = new Map<number, string>();
  for (const [domain, text] of line.values) {
    if (!knownDomain(info, "MB", domain, problems)) continue;
    const at = `MB domain ${domain}`;
    if (!/^\d{1,10}$/.test(text)) {
      problems.push(`${at}: expected a whole number${unitWords(mb.unit)}, got ${JSON.stringify(text)}`);
      continue;
    }
    const value = Number(text);
    if (mb.unit === "MBps") {
      if (value > MBPS_MAX) problems.push(`${at}: ${value} MBps is above the kernel's limit ${MBPS_MAX}`);
      else values.set(domain, String(value));
      continue;
    }
    if (value < mb.minBandwidth) {
      problems.push(`${at}: ${value} is below info/MB/min_bandwidth ${mb.minBandwidth}`);
      continue;
    }
    if (mb.unit === "percent" && value > 100) {
      problems.push(`${at}: ${value} is above 100 (percent of memory bandwidth)`);
      continue;
    }
    // The kernel rounds up to the next step of bandwidth_gran; write what it will hold.
    let rounded = Math.ceil(value / mb.bandwidthGran) * mb.bandwidthGran;
    if (mb.unit === "percent") rounded = Math.min(rounded, 100);
    if (rounded !== value) {
      notes.push(`${at}: ${value} rounded up to ${rounded} (info/MB/bandwidth_gran ${mb.bandwidthGran})`);
    }
    values.set(domain, String(rounded));
  }
  return problems.length === before ? formatSchemataLine("MB", values) : undefined;
}

function unitWords(unit: string): string {
  return unit === "percent" ? " (percent)" : unit === "MBps" ? " (MBps)" : " (multiples of 1/8 GB/s)";
}

/** Domains come from the root group's schemata; when it lists none for the resource, any id is let through. */
function knownDomain(info: ResctrlInfo, resource: string, domain: number, problems: string[]): boolean {
  const known = info.domains.get(resource);
  if (known === undefined || known.includes(domain)) return true;
  problems.push(
    `${resource} domain ${domain}: no such domain; expected one of ${
      known.join(", ")
    } (the root group's schemata)`,
  );
  return false;
}
