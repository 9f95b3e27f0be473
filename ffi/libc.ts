/**
 * The C library calls wca needs, bound with Deno.dlopen: the only place in the project that does.
 * Every call is synchronous on purpose: `nonblocking` moves a call to a thread pool, which measured
 * 27 µs per read against 0.7 µs inline, and these calls never block (perf reads return at once).
 *
 * errno is read through __errno_location right after the failing call, on the same thread, before any
 * other JavaScript runs.
 */
import { type ArchConstants, archConstants } from "./arch.ts";
import { ErrnoError } from "./errno.ts";
import {
  AT_EMPTY_PATH,
  AT_FDCWD,
  AT_SYMLINK_NOFOLLOW,
  decodeStatx,
  type DirectoryEntry,
  DIRENT_NAME_OFFSET,
  DIRENT_TYPE_OFFSET,
  direntType,
  type FileStatus,
  readOnlyFlag,
  STATVFS_SIZE,
  STATX_BASIC_STATS,
  STATX_SIZE,
} from "./statx.ts";

const SYMBOLS = {
  syscall: { parameters: ["i64", "buffer", "i32", "i32", "i32", "u64"], result: "i64" },
  // syscall(2) is variadic: a second binding of the same symbol with migrate_pages' argument shape.
  syscall_migrate_pages: {
    name: "syscall",
    parameters: ["i64", "i64", "u64", "buffer", "buffer"],
    result: "i64",
  },
  ioctl: { parameters: ["i32", "u64", "u64"], result: "i32" },
  open: { parameters: ["buffer", "i32", "i32"], result: "i32" },
  openat: { parameters: ["i32", "buffer", "i32", "i32"], result: "i32" },
  statx: { parameters: ["i32", "buffer", "i32", "u32", "buffer"], result: "i32" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  fstatvfs: { parameters: ["i32", "buffer"], result: "i32" },
  statvfs: { parameters: ["buffer", "buffer"], result: "i32" },
  mkdir: { parameters: ["buffer", "u32"], result: "i32" },
  rmdir: { parameters: ["buffer"], result: "i32" },
  opendir: { parameters: ["buffer"], result: "pointer" },
  readdir: { parameters: ["pointer"], result: "pointer" },
  closedir: { parameters: ["pointer"], result: "i32" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  // glibc's pread is pread64 on 64-bit targets: a 64-bit offset.
  pread: { parameters: ["i32", "buffer", "usize", "i64"], result: "isize" },
  close: { parameters: ["i32"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
  strerror: { parameters: ["i32"], result: "pointer" },
  malloc_trim: { parameters: ["usize"], result: "i32" },
} as const satisfies Deno.ForeignLibraryInterface;

type LibcSymbols = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

const encoder = new TextEncoder();

export class Libc {
  readonly #lib: Deno.DynamicLibrary<typeof SYMBOLS>;
  readonly #sym: LibcSymbols;
  readonly #arch: ArchConstants;
  #closed = false;

  /** Opens libc; throws with a clear message when FFI is not permitted or libc is not glibc-compatible. */
  constructor(path = "libc.so.6", arch: ArchConstants = archConstants()) {
    try {
      this.#lib = Deno.dlopen(path, SYMBOLS);
    } catch (error) {
      throw new Error(`cannot load the C library ${path}: ${(error as Error).message}`);
    }
    this.#sym = this.#lib.symbols;
    this.#arch = arch;
  }

  get arch(): ArchConstants {
    return this.#arch;
  }

  /** perf_event_open(2) through syscall(2); returns the new fd. */
  perfEventOpen(
    attr: Uint8Array<ArrayBuffer>,
    pid: number,
    cpu: number,
    groupFd: number,
    flags: number,
  ): number {
    const fd = Number(
      this.#sym.syscall(BigInt(this.#arch.perfEventOpenSyscall), attr, pid, cpu, groupFd, BigInt(flags)),
    );
    if (fd < 0) throw this.#error("perf_event_open");
    return fd;
  }

  /**
   * migrate_pages(2): moves the pages of process `pid` that are on any of `fromNodes` to `toNodes`.
   * Returns the number of pages that could not be moved (the kernel's return value). Node masks are
   * arrays of unsigned longs, as the kernel reads them; maxnode is one more than the highest node
   * (the kernel ignores the last bit of maxnode).
   */
  migratePages(pid: number, fromNodes: readonly number[], toNodes: readonly number[]): number {
    let highest = 0;
    for (const node of [fromNodes, toNodes].flat()) highest = Math.max(highest, node);
    const maxnode = highest + 2;
    const words = Math.ceil(maxnode / 64);
    const mask = (nodes: readonly number[]) => {
      const bytes = new Uint8Array(words * 8);
      const view = new DataView(bytes.buffer);
      for (const node of nodes) {
        if (!Number.isInteger(node) || node < 0) throw new RangeError(`NUMA node ${node} is not a node id`);
        const word = Math.floor(node / 64);
        view.setBigUint64(word * 8, view.getBigUint64(word * 8, true) | (1n << BigInt(node % 64)), true);
      }
      return bytes;
    };
    const result = Number(
      this.#sym.syscall_migrate_pages(
        BigInt(this.#arch.migratePagesSyscall),
        BigInt(pid),
        BigInt(maxnode),
        mask(fromNodes),
        mask(toNodes),
      ),
    );
    if (result < 0) throw this.#error(`migrate_pages pid ${pid}`);
    return result;
  }

  ioctl(fd: number, request: number, argument = 0): void {
    if (this.#sym.ioctl(fd, BigInt(request), BigInt(argument)) < 0) throw this.#error("ioctl");
  }

  /** open(2) read-only with O_CLOEXEC, plus O_DIRECTORY when `directory`; returns the fd. */
  open(path: string, { directory = false } = {}): number {
    const a = this.#arch;
    const flags = a.O_RDONLY | a.O_CLOEXEC | (directory ? a.O_DIRECTORY : 0);
    const fd = this.#sym.open(encoder.encode(`${path}\0`), flags, 0);
    if (fd < 0) throw this.#error(`open ${path}`);
    return fd;
  }

  /**
   * openat(2) read-only, relative to the open directory `dirFd`, without following a symbolic link in
   * `name` (ELOOP) and without blocking on a FIFO; plus O_DIRECTORY when `directory`. Returns the fd.
   */
  openAt(dirFd: number, name: string, { directory = false } = {}): number {
    const a = this.#arch;
    const flags = a.O_RDONLY | a.O_CLOEXEC | a.O_NOFOLLOW | a.O_NONBLOCK | (directory ? a.O_DIRECTORY : 0);
    const fd = this.#sym.openat(dirFd, encoder.encode(`${name}\0`), flags, 0);
    if (fd < 0) throw this.#error(`open ${name}`);
    return fd;
  }

  /** What the open file `fd` is: statx(2) on the descriptor itself, never a path. */
  fstat(fd: number): FileStatus {
    const buffer = new Uint8Array(STATX_SIZE);
    if (this.#sym.statx(fd, encoder.encode("\0"), AT_EMPTY_PATH, STATX_BASIC_STATS, buffer) < 0) {
      throw this.#error("statx");
    }
    return decodeStatx(buffer);
  }

  /** open(2) with `flags` (O_CLOEXEC added); for writes, see host_fs.ts. Returns the fd. */
  openWith(path: string, flags: number): number {
    const fd = this.#sym.open(encoder.encode(`${path}\0`), flags | this.#arch.O_CLOEXEC, 0);
    if (fd < 0) throw this.#error(`open ${path}`);
    return fd;
  }

  /** statx(2) by path, following a final symbolic link unless `noFollow`. */
  stat(path: string, { noFollow = false } = {}): FileStatus {
    const buffer = new Uint8Array(STATX_SIZE);
    const flags = noFollow ? AT_SYMLINK_NOFOLLOW : 0;
    if (this.#sym.statx(AT_FDCWD, encoder.encode(`${path}\0`), flags, STATX_BASIC_STATS, buffer) < 0) {
      throw this.#error(`stat ${path}`);
    }
    return decodeStatx(buffer);
  }

  /** Whether the open file `fd` is on a read-only mount (fstatvfs(3) f_flag & ST_RDONLY). */
  onReadOnlyMount(fd: number): boolean {
    const buffer = new Uint8Array(STATVFS_SIZE);
    if (this.#sym.fstatvfs(fd, buffer) < 0) throw this.#error("fstatvfs");
    return readOnlyFlag(buffer);
  }

  /** Whether `path` is on a read-only mount (statvfs(3)). */
  pathOnReadOnlyMount(path: string): boolean {
    const buffer = new Uint8Array(STATVFS_SIZE);
    if (this.#sym.statvfs(encoder.encode(`${path}\0`), buffer) < 0) throw this.#error(`statvfs ${path}`);
    return readOnlyFlag(buffer);
  }

  /** write(2) of `bytes`; returns the byte count the kernel took. */
  write(fd: number, bytes: Uint8Array<ArrayBuffer>): number {
    const n = Number(this.#sym.write(fd, bytes, BigInt(bytes.byteLength)));
    if (n < 0) throw this.#error("write");
    return n;
  }

  mkdir(path: string, mode = 0o755): void {
    if (this.#sym.mkdir(encoder.encode(`${path}\0`), mode) < 0) throw this.#error(`mkdir ${path}`);
  }

  rmdir(path: string): void {
    if (this.#sym.rmdir(encoder.encode(`${path}\0`)) < 0) throw this.#error(`rmdir ${path}`);
  }

  /** The entries of a directory (without "." and ".."), with the type readdir(3) reports. */
  readDirectory(path: string): DirectoryEntry[] {
    const dir = this.#sym.opendir(encoder.encode(`${path}\0`));
    if (dir === null) throw this.#error(`opendir ${path}`);
    const entries: DirectoryEntry[] = [];
    try {
      for (let entry = this.#sym.readdir(dir); entry !== null; entry = this.#sym.readdir(dir)) {
        const view = new Deno.UnsafePointerView(entry);
        const name = view.getCString(DIRENT_NAME_OFFSET);
        if (name === "." || name === "..") continue;
        entries.push({ name, type: direntType(view.getUint8(DIRENT_TYPE_OFFSET)) });
      }
    } finally {
      this.#sym.closedir(dir);
    }
    return entries;
  }

  /** read(2) into `buffer`; returns the byte count. */
  read(fd: number, buffer: Uint8Array<ArrayBuffer>): number {
    const n = Number(this.#sym.read(fd, buffer, BigInt(buffer.byteLength)));
    if (n < 0) throw this.#error("read");
    return n;
  }

  /**
   * Reads `fd` to its end: a 4 KiB first read (kernel files fit in one page), then 64 KiB ones. Stops
   * once more than `limit` bytes are read and returns what it has, so a caller can tell "over the limit"
   * by the length without reading an endless file.
   */
  readToEnd(fd: number, limit = Number.MAX_SAFE_INTEGER): Uint8Array<ArrayBuffer> {
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    let total = 0;
    while (total <= limit) {
      const chunk = new Uint8Array(Math.min(total === 0 ? 4096 : 65536, limit + 1 - total));
      const n = this.read(fd, chunk);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
    }
    if (chunks.length === 1) return chunks[0]!;
    const bytes = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return bytes;
  }

  /**
   * pread(2): reads into `buffer` from `offset` without moving the file position, so a kept-open kernel
   * file is re-read from offset 0 with one call (read(2) would need an lseek first). Returns the byte
   * count; 0 at the end of the file.
   */
  pread(fd: number, buffer: Uint8Array<ArrayBuffer>, offset: number): number {
    const n = Number(this.#sym.pread(fd, buffer, BigInt(buffer.byteLength), BigInt(offset)));
    if (n < 0) throw this.#error("pread");
    return n;
  }

  close(fd: number): void {
    if (this.#sym.close(fd) < 0) throw this.#error("close");
  }

  /** Unloads libc; further calls fail. */
  /**
   * malloc_trim(0): gives the C heap's free pages back to the kernel. Memory a large answer needed
   * (sockets' buffers) is otherwise kept by the allocator and shows as RSS long after it is freed.
   * Returns whether any memory was released.
   */
  trimHeap(): boolean {
    return this.#sym.malloc_trim(0n) === 1;
  }

  unload(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#lib.close();
  }

  #error(call: string): ErrnoError {
    const location = this.#sym.__errno_location();
    const errno = location === null ? -1 : new Deno.UnsafePointerView(location).getInt32();
    const text = this.#sym.strerror(errno);
    const description = text === null ? "unknown error" : Deno.UnsafePointerView.getCString(text);
    return new ErrnoError(call, errno, description);
  }
}
