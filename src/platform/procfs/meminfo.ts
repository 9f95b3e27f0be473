/**
 * /proc/meminfo: host memory, the source of platform_mem_usage_bytes.
 */
import type { HostPaths } from "../host_paths.ts";
import { type ReadText, readTextFile } from "../open_files.ts";
import { linesOf, PlatformParseError, toInteger } from "../parse.ts";

export interface Meminfo {
  /** Every line: sizes in bytes (the kernel prints kB, meaning KiB); unitless counts (HugePages_*) as is. */
  readonly values: Readonly<Record<string, number>>;
  readonly totalBytes: number;
  readonly freeBytes: number;
  /** MemTotal - MemFree - Buffers - Cached, as free(1) and the original WCA compute "used". */
  readonly usedBytes: number;
}

const LINE = /^([^:\s]+):\s+(\S+)(?:\s+(kB))?\s*$/;

/** Parses `Key:   value kB` lines; MemTotal, MemFree, Buffers and Cached must be present. */
export function parseMeminfoValues(text: string, source: string): Readonly<Record<string, number>> {
  const values: Record<string, number> = {};
  const lines = linesOf(text);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    const match = LINE.exec(line);
    if (match === null) throw new PlatformParseError(source, i + 1, `expected "Key: value [kB]"`);
    const value = toInteger(match[2], source, i + 1, match[1]!);
    values[match[1]!] = match[3] === undefined ? value : value * 1024;
  }
  return Object.freeze(values);
}

export function parseMeminfo(text: string, source = "meminfo"): Meminfo {
  const values = parseMeminfoValues(text, source);
  const need = (key: string): number => {
    const value = values[key];
    if (value === undefined) throw new PlatformParseError(source, undefined, `missing ${key}`);
    return value;
  };
  const totalBytes = need("MemTotal");
  const freeBytes = need("MemFree");
  const usedBytes = totalBytes - freeBytes - need("Buffers") - need("Cached");
  return Object.freeze({ values, totalBytes, freeBytes, usedBytes });
}

/** Reads and parses `<proc>/meminfo`. */
export function readMeminfo(paths: HostPaths, read: ReadText = readTextFile): Meminfo {
  const path = `${paths.proc}/meminfo`;
  return parseMeminfo(read(path), path);
}
