/**
 * Uncore PMUs as sysfs shows them: one directory per PMU instance under devices/ (uncore_imc_0,
 * uncore_upi_1, uncore_cha_12 …), each with `type` (the perf_event_attr.type to open it with),
 * `cpumask` (the CPUs to open it on: one per socket) and `format/` (where event fields go in config).
 * See the kernel's Documentation/ABI/testing/sysfs-bus-event_source-devices-format.
 */
import type { HostPaths } from "../../platform/host_paths.ts";
import { parseListFormat } from "../../platform/list_format.ts";
import { linesOf, PlatformParseError, toInteger } from "../../platform/parse.ts";
import { isNotFound } from "../../platform/fs_errors.ts";
import * as hostFs from "../../platform/host_fs.ts";

/** The perf_event_attr word a format field lives in. */
export type ConfigWord = "config" | "config1" | "config2";

/** One `format/<name>` file: the bits of `word` that hold the field, low value bit first. */
export interface FormatField {
  readonly word: ConfigWord;
  readonly bits: readonly number[];
}

export type PmuFormat = ReadonlyMap<string, FormatField>;

export interface UncorePmu {
  /** The directory name, e.g. "uncore_imc_0". */
  readonly name: string;
  /** The name without "uncore_" and the instance number, e.g. "imc", "upi", "cha", "iio_free_running". */
  readonly family: string;
  /** perf_event_attr.type of this PMU (assigned by the kernel at boot; differs between hosts). */
  readonly type: number;
  /** CPUs from `cpumask`: the kernel names one CPU per socket to open the PMU's events on. */
  readonly cpus: readonly number[];
  /** Fields from `format/`; empty when the PMU has no format directory. */
  readonly format: PmuFormat;
  /** The directory read, for messages. */
  readonly path: string;
}

const PMU_NAME = /^uncore_([a-z][a-z0-9_]*?)(?:_(\d+))?$/;
const FORMAT = /^(config|config1|config2):(\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*)$/;

/** "uncore_imc_3" → "imc", "uncore_pcu" → "pcu"; undefined for names that are not uncore PMUs. */
export function uncoreFamily(name: string): string | undefined {
  return PMU_NAME.exec(name)?.[1];
}

/** The instance number of "uncore_imc_3" (3), for natural ordering; -1 without one. */
function instanceOf(name: string): number {
  const n = PMU_NAME.exec(name)?.[2];
  return n === undefined ? -1 : Number(n);
}

/** The single integer of a PMU's `type` file. */
export function parsePmuType(text: string, source = "type"): number {
  const lines = linesOf(text);
  if (lines.length !== 1) throw new PlatformParseError(source, undefined, "expected exactly one line");
  const type = toInteger(lines[0]!.trim(), source, 1, "PMU type");
  if (type < 0 || type > 0xffff_ffff) {
    throw new PlatformParseError(source, 1, `PMU type ${type} is not a u32`);
  }
  return type;
}

/** A PMU's `cpumask` in list format (`0,18`); an uncore PMU always names at least one CPU. */
export function parseCpumask(text: string, source = "cpumask"): number[] {
  const cpus = parseListFormat(text, source);
  if (cpus.length === 0) throw new PlatformParseError(source, 1, "names no CPU to open the PMU's events on");
  return cpus;
}

/**
 * One `format/` file: `config:0-7`, `config1:0-8`, or bits in pieces such as `config1:1,6-10,44`
 * (the value's low bits go to the lowest listed bits, as the perf tool places them).
 */
export function parseFormat(text: string, source = "format"): FormatField {
  const lines = linesOf(text);
  const match = lines.length === 1 ? FORMAT.exec(lines[0]!.trim()) : null;
  if (match === null) {
    throw new PlatformParseError(
      source,
      1,
      `expected "config:<bits>", "config1:<bits>" or "config2:<bits>" such as config:0-7, got ${
        JSON.stringify(text.trim())
      }`,
    );
  }
  const bits = new Set<number>();
  for (const part of match[2]!.split(",")) {
    const [first, last = first] = part.split("-").map(Number) as [number, number?];
    if (last! < first || last! > 63) throw new PlatformParseError(source, 1, `bad bit range ${part}`);
    for (let bit = first; bit <= last!; bit++) bits.add(bit);
  }
  return Object.freeze({
    word: match[1] as ConfigWord,
    bits: Object.freeze([...bits].sort((a, b) => a - b)),
  });
}

/** Names of the uncore PMU directories under devices/, in natural order (imc_2 before imc_10). */
export function listUncorePmus(paths: HostPaths): string[] {
  const dir = `${paths.sys}/devices`;
  const names: string[] = [];
  try {
    for (const entry of hostFs.readDirSync(dir)) {
      if (uncoreFamily(entry.name) !== undefined) names.push(entry.name);
    }
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
  return names.sort((a, b) => {
    const [fa, fb] = [uncoreFamily(a)!, uncoreFamily(b)!];
    return fa === fb ? instanceOf(a) - instanceOf(b) : fa < fb ? -1 : 1;
  });
}

/** Reads one PMU directory (`type`, `cpumask`, `format/*`); errors name the file. */
export function readUncorePmu(paths: HostPaths, name: string): UncorePmu {
  const family = uncoreFamily(name);
  if (family === undefined) throw new Error(`${name} is not an uncore PMU name`);
  const path = `${paths.sys}/devices/${name}`;
  const read = (file: string) => hostFs.readTextFileSync(`${path}/${file}`);
  const format = new Map<string, FormatField>();
  try {
    for (const entry of hostFs.readDirSync(`${path}/format`)) {
      format.set(entry.name, parseFormat(read(`format/${entry.name}`), `${path}/format/${entry.name}`));
    }
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  return Object.freeze({
    name,
    family,
    type: parsePmuType(read("type"), `${path}/type`),
    cpus: Object.freeze(parseCpumask(read("cpumask"), `${path}/cpumask`)),
    format,
    path,
  });
}

/**
 * The uncore PMUs of the given families (all when `families` is undefined). Only the requested
 * families are read, so a broken or odd PMU the configuration does not use cannot stop the agent.
 */
export function discoverUncorePmus(paths: HostPaths, families?: ReadonlySet<string>): UncorePmu[] {
  return listUncorePmus(paths)
    .filter((name) => families === undefined || families.has(uncoreFamily(name)!))
    .map((name) => readUncorePmu(paths, name));
}
