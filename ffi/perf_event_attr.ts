/**
 * struct perf_event_attr as bytes, and the layout of a group read. Offsets follow
 * include/uapi/linux/perf_event.h; the size written is PERF_ATTR_SIZE_VER7 (128 bytes). Older kernels
 * accept a larger struct as long as the bytes they do not know are zero, which they are here.
 */

export const PERF_ATTR_SIZE_VER7 = 128;

export const PERF_TYPE = Object.freeze({
  HARDWARE: 0,
  SOFTWARE: 1,
  TRACEPOINT: 2,
  HW_CACHE: 3,
  RAW: 4,
  BREAKPOINT: 5,
});

export const PERF_COUNT_HW = Object.freeze({
  CPU_CYCLES: 0,
  INSTRUCTIONS: 1,
  CACHE_REFERENCES: 2,
  CACHE_MISSES: 3,
  BRANCH_INSTRUCTIONS: 4,
  BRANCH_MISSES: 5,
  BUS_CYCLES: 6,
  STALLED_CYCLES_FRONTEND: 7,
  STALLED_CYCLES_BACKEND: 8,
  REF_CPU_CYCLES: 9,
});

export const PERF_COUNT_SW = Object.freeze({
  CPU_CLOCK: 0,
  TASK_CLOCK: 1,
  PAGE_FAULTS: 2,
  CONTEXT_SWITCHES: 3,
  CPU_MIGRATIONS: 4,
  PAGE_FAULTS_MIN: 5,
  PAGE_FAULTS_MAJ: 6,
  ALIGNMENT_FAULTS: 7,
  EMULATION_FAULTS: 8,
  DUMMY: 9,
});

export const PERF_FORMAT = Object.freeze({
  TOTAL_TIME_ENABLED: 1 << 0,
  TOTAL_TIME_RUNNING: 1 << 1,
  ID: 1 << 2,
  GROUP: 1 << 3,
});

/** perf_event_open flags. */
export const PERF_FLAG = Object.freeze({
  FD_NO_GROUP: 1 << 0,
  FD_OUTPUT: 1 << 1,
  PID_CGROUP: 1 << 2,
  FD_CLOEXEC: 1 << 3,
});

/** _IO('$', n): the same number on x86-64 and arm64. */
export const PERF_EVENT_IOC = Object.freeze({
  ENABLE: 0x2400,
  DISABLE: 0x2401,
  REFRESH: 0x2402,
  RESET: 0x2403,
});

/** PERF_IOC_FLAG_GROUP: an ioctl on a leader applies to its whole group. */
export const PERF_IOC_FLAG_GROUP = 1;

/** Bits of the flags word (offset 40) that wca sets; the rest stay zero. */
const FLAG_BITS = Object.freeze({
  disabled: 0,
  inherit: 1,
  pinned: 2,
  exclusive: 3,
  excludeUser: 4,
  excludeKernel: 5,
  excludeHv: 6,
  excludeIdle: 7,
  excludeGuest: 20,
});

export type PerfAttrFlag = keyof typeof FLAG_BITS;

export interface PerfEventAttr {
  readonly type: number;
  readonly config: bigint;
  readonly config1?: bigint;
  readonly config2?: bigint;
  readonly readFormat?: number;
  readonly flags?: readonly PerfAttrFlag[];
}

const U32_MAX = 0xffff_ffff;
const U64_MAX = (1n << 64n) - 1n;

/** The attr as the kernel reads it. Throws RangeError for values that do not fit their fields. */
export function encodePerfEventAttr(attr: PerfEventAttr): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(PERF_ATTR_SIZE_VER7);
  const view = new DataView(bytes.buffer);
  const u64 = (offset: number, value: bigint, field: string) => {
    if (value < 0n || value > U64_MAX) throw new RangeError(`perf_event_attr.${field} ${value} is not a u64`);
    view.setBigUint64(offset, value, true);
  };
  if (!Number.isInteger(attr.type) || attr.type < 0 || attr.type > U32_MAX) {
    throw new RangeError(`perf_event_attr.type ${attr.type} is not a u32`);
  }
  view.setUint32(0, attr.type, true);
  view.setUint32(4, PERF_ATTR_SIZE_VER7, true);
  u64(8, attr.config, "config");
  u64(32, BigInt(attr.readFormat ?? 0), "read_format");
  let flags = 0n;
  for (const flag of attr.flags ?? []) flags |= 1n << BigInt(FLAG_BITS[flag]);
  u64(40, flags, "flags");
  u64(56, attr.config1 ?? 0n, "config1");
  u64(64, attr.config2 ?? 0n, "config2");
  return bytes;
}

/** One event of a group read. Counts are u64 in the kernel; above 2^53 they lose precision here. */
export interface GroupReadValue {
  readonly value: number;
  readonly id: bigint;
}

export interface GroupRead {
  readonly timeEnabled: number;
  readonly timeRunning: number;
  readonly values: readonly GroupReadValue[];
}

/** Bytes a group read of `events` events needs with GROUP|TOTAL_TIME_ENABLED|TOTAL_TIME_RUNNING|ID. */
export function groupReadSize(events: number): number {
  return 8 * (3 + 2 * events);
}

/**
 * Decodes `{ u64 nr; u64 time_enabled; u64 time_running; { u64 value; u64 id; } values[nr]; }`, the
 * layout of read_format GROUP|TOTAL_TIME_ENABLED|TOTAL_TIME_RUNNING|ID. Pure; throws on short input.
 */
export function decodeGroupRead(bytes: Uint8Array, length: number = bytes.length): GroupRead {
  const view = new DataView(bytes.buffer, bytes.byteOffset, length);
  if (length < 24) throw new RangeError(`a perf group read is at least 24 bytes; got ${length}`);
  const nr = Number(view.getBigUint64(0, true));
  if (length < groupReadSize(nr)) {
    throw new RangeError(`a perf group read of ${nr} events is ${groupReadSize(nr)} bytes; got ${length}`);
  }
  const values: GroupReadValue[] = [];
  for (let i = 0; i < nr; i++) {
    const at = 24 + 16 * i;
    values.push({ value: Number(view.getBigUint64(at, true)), id: view.getBigUint64(at + 8, true) });
  }
  return {
    timeEnabled: Number(view.getBigUint64(8, true)),
    timeRunning: Number(view.getBigUint64(16, true)),
    values,
  };
}
