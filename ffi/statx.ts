/**
 * struct statx (include/uapi/linux/stat.h): the same layout on every architecture, which is why wca
 * asks statx(2) rather than fstat(2) (whose struct stat differs between x86-64 and arm64).
 */

export const STATX_SIZE = 256;
/** STATX_TYPE | STATX_MODE | STATX_NLINK | STATX_UID | STATX_GID | … | STATX_SIZE | STATX_BLOCKS. */
export const STATX_BASIC_STATS = 0x7ff;
/** statx(fd, "", AT_EMPTY_PATH, …) describes the open file `fd` itself: fstat. */
export const AT_EMPTY_PATH = 0x1000;

export const AT_FDCWD = -100;
export const AT_SYMLINK_NOFOLLOW = 0x100;

/** struct dirent of glibc's readdir (readdir64 on 64-bit targets): d_type at 18, d_name at 19. */
export const DIRENT_TYPE_OFFSET = 18;
export const DIRENT_NAME_OFFSET = 19;

export interface DirectoryEntry {
  readonly name: string;
  /** "other" also when the file system does not say (DT_UNKNOWN). */
  readonly type: FileType;
}

/** DT_DIR, DT_REG, DT_LNK (dirent.h) → the file type. */
export function direntType(dType: number): FileType {
  return dType === 4 ? "directory" : dType === 8 ? "file" : dType === 10 ? "symlink" : "other";
}

/** struct statvfs of glibc on 64-bit targets: eleven 8-byte fields then spares; f_flag is the tenth. */
export const STATVFS_SIZE = 112;
const STATVFS_FLAG_OFFSET = 72;
const ST_RDONLY = 1;

/** Whether a filled struct statvfs says the mount is read-only. */
export function readOnlyFlag(buffer: Uint8Array<ArrayBuffer>): boolean {
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  return (view.getBigUint64(STATVFS_FLAG_OFFSET, true) & BigInt(ST_RDONLY)) !== 0n;
}

const S_IFMT = 0o170000;
const TYPES: ReadonlyMap<number, FileType> = new Map([
  [0o100000, "file"],
  [0o040000, "directory"],
  [0o120000, "symlink"],
]);

export type FileType = "file" | "directory" | "symlink" | "other";

/** What the trust rule needs to know about an open file. */
export interface FileStatus {
  readonly type: FileType;
  /** Permission bits and the set-id and sticky bits (mode & 0o7777). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
}

/** Decodes the fields of a struct statx filled by the kernel. */
export function decodeStatx(buffer: Uint8Array<ArrayBuffer>): FileStatus {
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const mode = view.getUint16(28, true);
  return {
    type: TYPES.get(mode & S_IFMT) ?? "other",
    mode: mode & 0o7777,
    uid: view.getUint32(20, true),
    gid: view.getUint32(24, true),
    size: Number(view.getBigUint64(40, true)),
  };
}
