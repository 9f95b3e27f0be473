/**
 * What resctrl offers, as plain types: shared by info.ts (which reads it) and schemata.ts (which
 * validates against it), so neither imports the other for them.
 */

export type CacheResource = "L3" | "L3CODE" | "L3DATA";

/** A cache allocation resource (info/L3, or info/L3CODE and info/L3DATA with CDP). */
export interface CacheInfo {
  readonly resource: CacheResource;
  /** info/<r>/cbm_mask: the mask that means 100% of the cache. */
  readonly cbmMask: bigint;
  /** Bits in cbm_mask (its width: the number of cache ways on Intel). */
  readonly cbmBits: number;
  /** info/<r>/min_cbm_bits: the fewest consecutive bits a mask may have (0 on AMD: empty masks allowed). */
  readonly minCbmBits: number;
  readonly numClosids: number;
  /** info/<r>/shareable_bits, when present. */
  readonly shareableBits: bigint | undefined;
  /** info/<r>/sparse_masks: "1" when non-contiguous masks are allowed (some AMD parts); absent = no. */
  readonly sparseMasks: boolean;
}

/**
 * How MB: schemata values are read by the kernel:
 * - "percent": percentage of bandwidth (Intel, default mount);
 * - "MBps": MBps, with the MBA software controller (mount option mba_MBps);
 * - "amd": multiples of 1/8 GB/s (AMD).
 */
export type MbUnit = "percent" | "MBps" | "amd";

/** Memory bandwidth allocation (info/MB). */
export interface MbInfo {
  readonly numClosids: number;
  readonly minBandwidth: number;
  readonly bandwidthGran: number;
  /** info/MB/delay_linear, informational. */
  readonly delayLinear: boolean | undefined;
  readonly unit: MbUnit;
}

/** Monitoring (info/L3_MON). */
export interface MonitoringInfo {
  /** Upper bound on CTRL_MON plus MON groups, the root group included. */
  readonly numRmids: number;
  readonly features: readonly string[];
  readonly llcOccupancy: boolean;
  readonly mbmTotal: boolean;
  readonly mbmLocal: boolean;
}

export interface ResctrlInfo {
  /** Where the filesystem is (HostPaths.resctrl). */
  readonly root: string;
  /** L3 CAT without CDP. */
  readonly l3: CacheInfo | undefined;
  /** L3 CDP (mounted with -o cdp): code and data masks are separate resources. */
  readonly l3code: CacheInfo | undefined;
  readonly l3data: CacheInfo | undefined;
  readonly cdp: boolean;
  readonly mb: MbInfo | undefined;
  readonly monitoring: MonitoringInfo | undefined;
  /** Control groups the kernel allows, the root group included: the smallest num_closids. */
  readonly closids: number | undefined;
  /** Domain (cache) ids per schemata resource, from the root group's schemata. */
  readonly domains: ReadonlyMap<string, readonly number[]>;
  /** Monitoring domain directories of mon_data ("mon_L3_00", …). */
  readonly monDomains: readonly string[];
}
