/**
 * /proc/self/auxv: the ELF auxiliary vector the kernel gave this process, read for AT_PAGESZ, the page
 * size cgroup v2 memory.numa_stat byte counts are divided by. Pairs of native unsigned longs; this
 * parser assumes 64-bit little-endian (x86-64, arm64), the only targets the agent supports.
 */
import type { HostPaths } from "../host_paths.ts";
import { PlatformParseError } from "../parse.ts";
import * as hostFs from "../host_fs.ts";

const AT_NULL = 0n;
const AT_PAGESZ = 6n;
const ENTRY_BYTES = 16;

/** The page size recorded in an auxiliary vector. */
export function parseAuxvPageSize(bytes: Uint8Array, source = "auxv"): number {
  if (bytes.length % ENTRY_BYTES !== 0) {
    throw new PlatformParseError(
      source,
      undefined,
      `length ${bytes.length} is not a multiple of ${ENTRY_BYTES}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let offset = 0; offset < bytes.length; offset += ENTRY_BYTES) {
    const type = view.getBigUint64(offset, true);
    if (type === AT_NULL) break;
    if (type === AT_PAGESZ) return Number(view.getBigUint64(offset + 8, true));
  }
  throw new PlatformParseError(source, undefined, "no AT_PAGESZ entry");
}

/** Reads `<proc>/self/auxv` for the page size. Read once at start-up; it never changes. */
export function readPageSize(paths: HostPaths): number {
  const path = `${paths.proc}/self/auxv`;
  return parseAuxvPageSize(hostFs.readFileSync(path), path);
}
