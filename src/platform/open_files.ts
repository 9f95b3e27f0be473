/**
 * Kernel files kept open and re-read from offset 0 with pread(2): one system call per file per read,
 * where Deno.readTextFileSync costs open + statx + a read per doubling of its buffer + a read of the
 * end + close. Every file of a set shares one buffer, grown (doubled) when a read fills it, so it ends
 * up the size of the largest file read; the text is decoded from that buffer in place.
 *
 * Kernel files print into a seq_file buffer, which tells where a file ends without a read of its end:
 *   - one record (cgroup interface files, /proc/meminfo, /proc/stat, sysfs attributes): a read shorter
 *     than the buffer returned all of it;
 *   - records of at most `recordBytes` (a pid per line in cgroup.threads): each read returns the records
 *     that fit the kernel's page-sized buffer, so a read shorter than a page less one record is the end;
 *   - records of unknown size (/proc/zoneinfo prints a zone per record): read until a read returns 0.
 * Regular files (test fixtures) end at the first short read, which all three rules accept.
 */
import { ErrnoError } from "../../ffi/errno.ts";
import * as hostFs from "./host_fs.ts";

/** The libc calls a set of open files needs (ffi/libc.ts's Libc has them). */
export interface FileCalls {
  /** Opens read-only with O_CLOEXEC; throws ErrnoError. */
  open(path: string): number;
  /** Reads into `buffer` from `offset`; the byte count, 0 at the end. Throws ErrnoError. */
  pread(fd: number, buffer: Uint8Array<ArrayBuffer>, offset: number): number;
  close(fd: number): void;
}

/** How a file is printed, which says when a read has reached its end (see the module comment). */
export interface FileShape {
  /** Absent: one record. A number: records of at most this many bytes. Infinity: unknown. */
  readonly recordBytes?: number;
  /**
   * Open, read and close on every read. cgroup v1 `tasks` and `cgroup.procs` hand an open file the
   * pid list cached when it was first read (kept up to a second after each read, so re-reading every
   * second keeps it forever); only a new open loads the current list.
   */
  readonly reopen?: boolean;
}

/** The smallest page size: a seq_file's kernel buffer holds at least this many bytes. */
const MIN_PAGE_BYTES = 4096;
const ONE_RECORD: FileShape = Object.freeze({});
/** The fd map's mark for a file that does not exist (or cannot be read) here. */
const ABSENT = -1;

/** The buffer one set of files is read into, and the text decoder over it. */
export class ReadBuffer {
  #bytes: Uint8Array<ArrayBuffer>;
  readonly #decoder = new TextDecoder();

  constructor(initialBytes = MIN_PAGE_BYTES) {
    this.#bytes = new Uint8Array(initialBytes);
  }

  get byteLength(): number {
    return this.#bytes.byteLength;
  }

  /** The whole file behind `fd`, read from offset 0. Throws ErrnoError from pread. */
  readText(calls: FileCalls, fd: number, shape: FileShape): string {
    for (;;) {
      const bytes = this.#bytes;
      let total = 0;
      for (;;) {
        const n = calls.pread(fd, total === 0 ? bytes : bytes.subarray(total), total);
        total += n;
        if (total === bytes.byteLength || n === 0 || endsAfter(n, shape)) break;
      }
      if (total < bytes.byteLength) return this.#decoder.decode(bytes.subarray(0, total));
      // Filled: the file may be longer. Read it again, whole, into a buffer twice the size.
      this.#bytes = new Uint8Array(bytes.byteLength * 2);
    }
  }
}

/** Whether a read of `n` bytes (more than 0, less than asked) ended the file. */
function endsAfter(n: number, shape: FileShape): boolean {
  const record = shape.recordBytes;
  return record === undefined || n < MIN_PAGE_BYTES - record;
}

/**
 * A set of files, each opened on its first read and kept open until `markAbsent`, `closeAll` or
 * `close`. A file that cannot be read here is marked absent by the caller and not tried again until
 * `closeAll`. Errors carry the path: "open /sys/…: ENOENT (…)", "read /sys/…: ENODEV (…)".
 */
export class OpenFiles {
  readonly #calls: FileCalls;
  readonly #buffer: ReadBuffer;
  readonly #fds = new Map<string, number>();
  #open = 0;

  constructor(calls: FileCalls, buffer: ReadBuffer) {
    this.#calls = calls;
    this.#buffer = buffer;
  }

  /** Descriptors held open now. */
  get openCount(): number {
    return this.#open;
  }

  /** The file's text; undefined when it was marked absent. Throws ErrnoError from open or pread. */
  read(path: string, shape: FileShape = ONE_RECORD): string | undefined {
    let fd = this.#fds.get(path);
    if (fd === ABSENT) return undefined;
    if (shape.reopen) {
      fd = this.#calls.open(path);
      try {
        return this.#readText(fd, shape, path);
      } finally {
        this.#calls.close(fd);
      }
    }
    if (fd === undefined) {
      fd = this.#calls.open(path);
      this.#fds.set(path, fd);
      this.#open++;
    }
    return this.#readText(fd, shape, path);
  }

  /** Closes the file if it is open and remembers that it is absent: reads return undefined. */
  markAbsent(path: string): void {
    this.#release(path);
    this.#fds.set(path, ABSENT);
  }

  /** Closes the file if it is open and forgets it: the next read opens it again. */
  forget(path: string): void {
    this.#release(path);
  }

  /** Closes every file and forgets what was absent: the next read of each opens (or probes) again. */
  closeAll(): void {
    for (const path of [...this.#fds.keys()]) this.#release(path);
    this.#fds.clear();
  }

  #release(path: string): void {
    const fd = this.#fds.get(path);
    this.#fds.delete(path);
    if (fd === undefined || fd === ABSENT) return;
    this.#open--;
    try {
      this.#calls.close(fd);
    } catch {
      // Linux releases the descriptor even when close reports an error (close(2), "Dealing with error
      // returns"); there is nothing to retry.
    }
  }

  #readText(fd: number, shape: FileShape, path: string): string {
    try {
      return this.#buffer.readText(this.#calls, fd, shape);
    } catch (error) {
      if (error instanceof ErrnoError) throw new ErrnoError(`read ${path}`, error.errno, error.description);
      throw error;
    }
  }
}

/** Reads a whole file as text; throws when it cannot (readers take one, defaulting to readTextFile). */
export type ReadText = (path: string, shape?: FileShape) => string;

/** Open, read and close: Deno's own reader, for one-shot reads and where libc is not loaded. */
export const readTextFile: ReadText = (path) => hostFs.readTextFileSync(path);

/**
 * A ReadText over `files`: the platform's files are read through kept-open descriptors. A file that
 * fails to read is closed, so the next read opens it again (a NUMA node's files after hot-unplug).
 */
export function openFilesReader(files: OpenFiles): ReadText {
  return (path, shape) => {
    let text: string | undefined;
    try {
      text = files.read(path, shape);
    } catch (error) {
      files.forget(path);
      throw error;
    }
    if (text === undefined) throw new Error(`${path} was marked absent`);
    return text;
  };
}
