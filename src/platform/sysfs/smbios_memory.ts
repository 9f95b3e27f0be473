/**
 * SMBIOS type 17 "Memory Device" structures, as the kernel exposes them raw under
 * /sys/firmware/dmi/entries/17-N/raw (Documentation/ABI/testing/sysfs-firmware-dmi-entries): one per
 * memory slot, the formatted area (its length at byte 1) followed by the strings. Field offsets per the
 * SMBIOS Reference Specification (DMTF DSP0134) 3.x, section 7.18: fields a table's version does not
 * have are undefined, and so are the values the spec reserves for "unknown".
 */
import * as hostFs from "../host_fs.ts";
import { isNotFound } from "../fs_errors.ts";
import type { HostPaths } from "../host_paths.ts";
import { PlatformParseError } from "../parse.ts";

export interface MemoryDevice {
  /** Installed size in bytes; 0 for an empty slot; undefined when the table says "unknown". */
  readonly sizeBytes: number | undefined;
  /** Data width in bits (64 for a DDR4 DIMM, without ECC bits); undefined when unknown. */
  readonly dataWidthBits: number | undefined;
  /** SMBIOS memory type byte (0x1A DDR4, 0x22 DDR5, 0x1F logical non-volatile device …). */
  readonly memoryType: number;
  /** Type Detail bits; bit 12 = non-volatile. */
  readonly typeDetail: number;
  /** Speed the module runs at now (configured speed, else its rated speed), MT/s; undefined when unknown. */
  readonly speedMts: number | undefined;
  /** SMBIOS 3.2 memory technology (3 DRAM, 4–6 NVDIMM-N/F/P, 7 Intel Optane); undefined before 3.2. */
  readonly technology: number | undefined;
  /** SMBIOS 3.2 volatile portion in bytes (for Optane: what runs in Memory Mode); undefined if unknown. */
  readonly volatileBytes: number | undefined;
  /** SMBIOS 3.2 non-volatile portion in bytes; undefined if unknown. */
  readonly nonVolatileBytes: number | undefined;
}

const TYPE_MEMORY_DEVICE = 17;
const MEMORY_TYPE_LOGICAL_NON_VOLATILE = 0x1f;
const TYPE_DETAIL_NON_VOLATILE = 1 << 12;
const MiB = 1024 * 1024;

/** Whether the module is persistent memory (NVDIMM, Optane) rather than RAM. */
export function isPersistent(device: MemoryDevice): boolean {
  const t = device.technology;
  return (t !== undefined && t >= 4 && t <= 7) || device.memoryType === MEMORY_TYPE_LOGICAL_NON_VOLATILE ||
    (device.typeDetail & TYPE_DETAIL_NON_VOLATILE) !== 0;
}

/** Parses one raw type-17 structure. */
export function parseSmbiosMemoryDevice(raw: Uint8Array, source = "17-0/raw"): MemoryDevice {
  if (raw.length < 0x15 || raw[0] !== TYPE_MEMORY_DEVICE) {
    throw new PlatformParseError(
      source,
      undefined,
      `expected an SMBIOS type 17 structure, got type ${raw[0]}`,
    );
  }
  const length = raw[1]!;
  if (length < 0x15 || length > raw.length) {
    throw new PlatformParseError(source, undefined, `formatted area of ${length} bytes in ${raw.length}`);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, length);
  const word = (at: number) => at + 2 <= length ? view.getUint16(at, true) : undefined;
  const dword = (at: number) => at + 4 <= length ? view.getUint32(at, true) : undefined;
  const qword = (at: number) => {
    if (at + 8 > length) return undefined;
    const value = view.getBigUint64(at, true);
    return value === 0xffff_ffff_ffff_ffffn ? undefined : Number(value);
  };
  const dataWidth = word(0x0a);
  const speed = word(0x15);
  const configured = word(0x20);
  const knownSpeed = (value: number | undefined, extended: number | undefined) =>
    value === undefined || value === 0 ? undefined : value === 0xffff ? extended : value;
  return {
    sizeBytes: sizeOf(word(0x0c)!, dword(0x1c)),
    dataWidthBits: dataWidth === undefined || dataWidth === 0xffff || dataWidth === 0 ? undefined : dataWidth,
    memoryType: raw[0x12]!,
    typeDetail: word(0x13)!,
    speedMts: knownSpeed(configured, dword(0x58)) ?? knownSpeed(speed, dword(0x54)),
    technology: length > 0x28 ? raw[0x28] : undefined,
    nonVolatileBytes: qword(0x34),
    volatileBytes: qword(0x3c),
  };
}

/** The Size word: 0 empty, FFFFh unknown, 7FFFh "see Extended Size" (MiB), bit 15 set = KiB units. */
function sizeOf(size: number, extended: number | undefined): number | undefined {
  if (size === 0xffff) return undefined;
  if (size === 0x7fff) return extended === undefined ? undefined : (extended & 0x7fff_ffff) * MiB;
  return size & 0x8000 ? (size & 0x7fff) * 1024 : size * MiB;
}

/**
 * Every memory device of the host, in entry order; undefined when the kernel exposes no SMBIOS entries
 * (no DMI tables, as in most VMs without firmware tables, or a kernel without CONFIG_DMI_SYSFS).
 */
export function readMemoryDevices(paths: HostPaths): MemoryDevice[] | undefined {
  const dir = `${paths.sys}/firmware/dmi/entries`;
  let names: string[];
  try {
    names = hostFs.readDirSync(dir).map((entry) => entry.name).filter((name) => /^17-\d+$/.test(name));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  names.sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
  return names.map((name) => {
    const path = `${dir}/${name}/raw`;
    return parseSmbiosMemoryDevice(hostFs.readFileSync(path), path);
  });
}
