/**
 * What decides whether this process may count perf events per cgroup, and how many fds it may hold:
 * kernel.perf_event_paranoid, the effective capabilities in self/status, and self/limits.
 */
import type { HostPaths } from "../host_paths.ts";
import { linesOf, PlatformParseError, toInteger } from "../parse.ts";
import * as hostFs from "../host_fs.ts";

export const CAP_SYS_ADMIN = 21;
export const CAP_PERFMON = 38;

/** `sys/kernel/perf_event_paranoid`: one integer (-1 … 4 on hardened kernels). */
export function parsePerfEventParanoid(text: string, source = "sys/kernel/perf_event_paranoid"): number {
  const value = text.trim();
  if (!/^-?\d+$/.test(value)) throw new PlatformParseError(source, 1, `expected an integer, got "${value}"`);
  return Number(value);
}

/** The CapEff mask of a status file as a bigint. */
export function parseEffectiveCapabilities(text: string, source = "self/status"): bigint {
  const lines = linesOf(text);
  for (let i = 0; i < lines.length; i++) {
    const match = /^CapEff:\s*([0-9a-fA-F]+)\s*$/.exec(lines[i]!);
    if (match) return BigInt(`0x${match[1]}`);
    if (lines[i]!.startsWith("CapEff:")) {
      throw new PlatformParseError(source, i + 1, "expected CapEff: <hex mask>");
    }
  }
  throw new PlatformParseError(source, 0, "no CapEff line");
}

export function hasCapability(mask: bigint, capability: number): boolean {
  return (mask >> BigInt(capability) & 1n) === 1n;
}

/** The soft "Max open files" limit of a limits file; Infinity for "unlimited". */
export function parseMaxOpenFiles(text: string, source = "self/limits"): number {
  const lines = linesOf(text);
  for (let i = 0; i < lines.length; i++) {
    const match = /^Max open files\s+(\S+)\s+(\S+)/.exec(lines[i]!);
    if (!match) continue;
    return match[1] === "unlimited" ? Infinity : toInteger(match[1], source, i + 1, "soft limit");
  }
  throw new PlatformParseError(source, 0, 'no "Max open files" line');
}

/** This process's soft open-file limit, from `self/limits`; Infinity for "unlimited". */
export function readMaxOpenFiles(paths: HostPaths): number {
  const path = `${paths.proc}/self/limits`;
  return parseMaxOpenFiles(hostFs.readTextFileSync(path), path);
}

export interface PerfAccess {
  readonly paranoid: number;
  readonly capabilities: bigint;
  readonly maxOpenFiles: number;
}

export function readPerfAccess(paths: HostPaths): PerfAccess {
  const read = (path: string) => hostFs.readTextFileSync(path);
  const paranoidPath = `${paths.proc}/sys/kernel/perf_event_paranoid`;
  const statusPath = `${paths.proc}/self/status`;
  return {
    paranoid: parsePerfEventParanoid(read(paranoidPath), paranoidPath),
    capabilities: parseEffectiveCapabilities(read(statusPath), statusPath),
    maxOpenFiles: readMaxOpenFiles(paths),
  };
}
