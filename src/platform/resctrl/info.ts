/**
 * Discovery of Intel RDT / AMD QoS through the resctrl filesystem (Documentation/arch/x86/resctrl.rst,
 * "Info directory"): what is monitored (L3_MON), what can be controlled (L3, L3CODE/L3DATA with the
 * cdp mount option, MB), and their limits. `parseResctrlInfo` is pure; `readResctrlInfo` reads.
 */
import { parseMountinfo } from "../cgroup/mounts.ts";
import { isNotFound } from "../fs_errors.ts";
import type { HostPaths } from "../host_paths.ts";
import { linesOf, PlatformParseError, toInteger } from "../parse.ts";
import { parseCpuinfo } from "../procfs/cpuinfo.ts";
import { parseSchemata } from "./schemata.ts";
import type { CacheInfo, CacheResource, MbInfo, MonitoringInfo, ResctrlInfo } from "./types.ts";
import * as hostFs from "../host_fs.ts";

export type { CacheInfo, CacheResource, MbInfo, MbUnit, MonitoringInfo, ResctrlInfo } from "./types.ts";

/** Files of info/, keyed by their path below info/ ("L3/cbm_mask"), plus what the mount says. */
export interface ResctrlInfoSource {
  readonly root: string;
  readonly infoFiles: ReadonlyMap<string, string>;
  /** The root group's schemata text; undefined without control resources. */
  readonly rootSchemata: string | undefined;
  readonly monDomains: readonly string[];
  /** Mount and super options of the resctrl mount ("cdp", "mba_MBps"). */
  readonly mountOptions: readonly string[];
  /** vendor_id of the first CPU ("GenuineIntel", "AuthenticAMD"). */
  readonly vendor: string | undefined;
}

/** Pure: the resctrl capabilities described by the info/ files. */
export function parseResctrlInfo(source: ResctrlInfoSource): ResctrlInfo {
  const { infoFiles, root } = source;
  const file = (name: string) => infoFiles.get(name);
  const where = (name: string) => `${root}/info/${name}`;
  const int = (name: string) => {
    const text = file(name);
    return text === undefined ? undefined : singleInteger(text, where(name));
  };
  const cache = (resource: CacheResource): CacheInfo | undefined => {
    const maskText = file(`${resource}/cbm_mask`);
    if (maskText === undefined) return undefined;
    const required = (name: string) => {
      const value = int(`${resource}/${name}`);
      if (value === undefined) {
        throw new PlatformParseError(where(`${resource}/${name}`), undefined, "missing beside cbm_mask");
      }
      return value;
    };
    const cbmMask = hexMask(maskText, where(`${resource}/cbm_mask`));
    const shareable = file(`${resource}/shareable_bits`);
    return Object.freeze({
      resource,
      cbmMask,
      cbmBits: cbmMask.toString(2).length,
      minCbmBits: required("min_cbm_bits"),
      numClosids: required("num_closids"),
      shareableBits: shareable === undefined
        ? undefined
        : hexMask(shareable, where(`${resource}/shareable_bits`)),
      sparseMasks: int(`${resource}/sparse_masks`) === 1,
    });
  };
  const l3 = cache("L3");
  const l3code = cache("L3CODE");
  const l3data = cache("L3DATA");
  let mb: MbInfo | undefined;
  const mbClosids = int("MB/num_closids");
  if (mbClosids !== undefined) {
    const delay = int("MB/delay_linear");
    const amd = source.vendor === "AuthenticAMD" || source.vendor === "HygonGenuine";
    mb = Object.freeze({
      numClosids: mbClosids,
      minBandwidth: int("MB/min_bandwidth") ?? 0,
      bandwidthGran: Math.max(1, int("MB/bandwidth_gran") ?? 1),
      delayLinear: delay === undefined ? undefined : delay === 1,
      unit: source.mountOptions.includes("mba_MBps") ? "MBps" : amd ? "amd" : "percent",
    });
  }
  let monitoring: MonitoringInfo | undefined;
  const rmids = int("L3_MON/num_rmids");
  if (rmids !== undefined) {
    const featuresText = file("L3_MON/mon_features") ?? "";
    const features = Object.freeze(linesOf(featuresText).map((l) => l.trim()).filter((l) => l !== ""));
    monitoring = Object.freeze({
      numRmids: rmids,
      features,
      llcOccupancy: features.includes("llc_occupancy"),
      mbmTotal: features.includes("mbm_total_bytes"),
      mbmLocal: features.includes("mbm_local_bytes"),
    });
  }
  const closidCounts = [l3, l3code, l3data, mb].filter((r) => r !== undefined).map((r) => r.numClosids);
  const domains = new Map<string, readonly number[]>();
  if (source.rootSchemata !== undefined) {
    for (const [resource, values] of parseSchemata(source.rootSchemata, `${root}/schemata`)) {
      domains.set(resource, Object.freeze([...values.keys()]));
    }
  }
  return Object.freeze({
    root,
    l3,
    l3code,
    l3data,
    cdp: l3code !== undefined || l3data !== undefined,
    mb,
    monitoring,
    closids: closidCounts.length === 0 ? undefined : closidCounts.reduce((a, b) => Math.min(a, b)),
    domains,
    monDomains: Object.freeze([...source.monDomains].sort()),
  });
}

/** A mask printed in hex without 0x ("fffff", "7ff"). */
export function hexMask(text: string, source: string): bigint {
  const token = text.trim();
  if (!/^[0-9a-fA-F]{1,16}$/.test(token)) {
    throw new PlatformParseError(source, 1, `expected a hexadecimal mask, got ${JSON.stringify(token)}`);
  }
  return BigInt(`0x${token}`);
}

function singleInteger(text: string, source: string): number {
  const lines = linesOf(text);
  if (lines.length !== 1) throw new PlatformParseError(source, undefined, "expected exactly one line");
  return toInteger(lines[0]!.trim(), source, 1, "value");
}

/**
 * Reads the resctrl filesystem at `paths.resctrl`, or returns undefined when it is not mounted there
 * (no info/ directory or no root tasks file).
 */
export function readResctrlInfo(paths: HostPaths): ResctrlInfo | undefined {
  const root = paths.resctrl;
  if (!isDirectory(`${root}/info`) || !exists(`${root}/tasks`)) return undefined;
  const infoFiles = new Map<string, string>();
  for (const entry of hostFs.readDirSync(`${root}/info`)) {
    if (!entry.isDirectory) continue;
    for (const inner of hostFs.readDirSync(`${root}/info/${entry.name}`)) {
      if (!inner.isFile) continue;
      const name = `${entry.name}/${inner.name}`;
      // Newer kernels add files (io_alloc_cbm, mbm_assign_*) that may refuse reads; only known ones matter.
      try {
        infoFiles.set(name, hostFs.readTextFileSync(`${root}/info/${name}`));
      } catch {
        continue;
      }
    }
  }
  const monDomains: string[] = [];
  if (isDirectory(`${root}/mon_data`)) {
    for (const entry of hostFs.readDirSync(`${root}/mon_data`)) {
      if (entry.isDirectory && entry.name.startsWith("mon_L3_")) monDomains.push(entry.name);
    }
  }
  return parseResctrlInfo({
    root,
    infoFiles,
    rootSchemata: readOptional(`${root}/schemata`),
    monDomains,
    mountOptions: resctrlMountOptions(paths),
    vendor: cpuVendor(paths),
  });
}

/** The options of the resctrl mount in mountinfo; [] when mountinfo does not list one. */
function resctrlMountOptions(paths: HostPaths): string[] {
  const path = `${paths.proc}/self/mountinfo`;
  const text = readOptional(path);
  if (text === undefined) return [];
  const entry = parseMountinfo(text, path).find((e) => e.fsType === "resctrl");
  return entry === undefined ? [] : [...entry.mountOptions, ...entry.superOptions];
}

function cpuVendor(paths: HostPaths): string | undefined {
  const path = `${paths.proc}/cpuinfo`;
  const text = readOptional(path);
  return text === undefined ? undefined : parseCpuinfo(text, path).processors[0]?.fields["vendor_id"];
}

function readOptional(path: string): string | undefined {
  try {
    return hostFs.readTextFileSync(path);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function isDirectory(path: string): boolean {
  try {
    return hostFs.statSync(path).isDirectory;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

function exists(path: string): boolean {
  try {
    hostFs.statSync(path);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}
