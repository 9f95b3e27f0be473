/**
 * Host files (/proc, /sys, cgroup and resctrl trees) through the C library rather than Deno's file API:
 * Deno 2.9.6 refuses /proc, /sys and /dev to anything less than --allow-all, and with --allow-all no deny
 * flag can be set. Reading them through ffi/ lets the agent run with named permissions and refuse
 * subprocesses and remote imports (src/cli/permissions.ts). The functions mirror Deno's synchronous
 * ones, and failures are Deno's error classes with Deno's "… (os error N)" message, so callers and
 * fs_errors.ts classify them as before.
 */
import { archConstants, ErrnoError, type FileStatus, Libc } from "../../ffi/mod.ts";

/**
 * The process's one handle on the C library for host files, opened on first use: loading it takes
 * about 10 ms, and a reader should not pay that per file. Nothing about it changes after it is loaded.
 */
let shared: Libc | undefined;

function libc(): Libc {
  shared ??= new Libc();
  return shared;
}

const ERROR_CLASSES: Readonly<Record<string, new (message: string) => Error>> = {
  ENOENT: Deno.errors.NotFound,
  EACCES: Deno.errors.PermissionDenied,
  EPERM: Deno.errors.PermissionDenied,
  EEXIST: Deno.errors.AlreadyExists,
  ENOTDIR: Deno.errors.NotADirectory,
  EISDIR: Deno.errors.IsADirectory,
  EBUSY: Deno.errors.Busy,
};

/** An ErrnoError as Deno would have thrown it for `op` on `path`. */
function asDenoError(error: unknown, op: string, path: string): unknown {
  if (!(error instanceof ErrnoError)) return error;
  const ErrorClass = ERROR_CLASSES[error.code] ?? Error;
  const converted = new ErrorClass(`${error.description} (os error ${error.errno}): ${op} '${path}'`);
  Object.defineProperty(converted, "code", { value: error.code });
  return converted;
}

function attempt<T>(op: string, path: string, fn: (lib: Libc) => T): T {
  try {
    return fn(libc());
  } catch (error) {
    throw asDenoError(error, op, path);
  }
}

export interface HostFileInfo {
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly isSymlink: boolean;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
}

export interface HostDirEntry {
  readonly name: string;
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly isSymlink: boolean;
}

/** A file opened for writing: write() is one write(2), as cgroup and resctrl files need. */
export interface HostWriteFile {
  writeSync(bytes: Uint8Array<ArrayBuffer>): number;
  close(): void;
}

function info(status: FileStatus): HostFileInfo {
  return {
    isFile: status.type === "file",
    isDirectory: status.type === "directory",
    isSymlink: status.type === "symlink",
    mode: status.mode,
    uid: status.uid,
    gid: status.gid,
    size: status.size,
  };
}

export function readFileSync(path: string): Uint8Array<ArrayBuffer> {
  return attempt("readfile", path, (lib) => {
    const fd = lib.open(path);
    try {
      return lib.readToEnd(fd);
    } finally {
      lib.close(fd);
    }
  });
}

const decoder = new TextDecoder();

export function readTextFileSync(path: string): string {
  return decoder.decode(readFileSync(path));
}

/** stat(2): follows symbolic links, as Deno.statSync does. */
export function statSync(path: string): HostFileInfo {
  return attempt("stat", path, (lib) => info(lib.stat(path)));
}

/** The entries of a directory; a type the file system does not report is asked with lstat. */
export function readDirSync(path: string): HostDirEntry[] {
  return attempt("readdir", path, (lib) =>
    lib.readDirectory(path).map((entry) => {
      const type = entry.type === "other"
        ? lib.stat(`${path}/${entry.name}`, { noFollow: true }).type
        : entry.type;
      return {
        name: entry.name,
        isFile: type === "file",
        isDirectory: type === "directory",
        isSymlink: type === "symlink",
      };
    }));
}

/** Opens an existing file for writing: truncating it (`truncate`) or appending (`append`). */
export function openForWriteSync(
  path: string,
  mode: { truncate?: boolean; append?: boolean },
): HostWriteFile {
  const arch = archConstants();
  const flags = arch.O_WRONLY | (mode.truncate ? arch.O_TRUNC : 0) | (mode.append ? arch.O_APPEND : 0);
  const fd = attempt("open", path, (lib) => lib.openWith(path, flags));
  return {
    writeSync: (bytes) => attempt("write", path, (lib) => lib.write(fd, bytes)),
    close: () => {
      try {
        libc().close(fd);
      } catch {
        // Linux releases the descriptor even when close reports an error.
      }
    },
  };
}

export function mkdirSync(path: string): void {
  attempt("mkdir", path, (lib) => lib.mkdir(path));
}

/** rmdir(2): removes an empty directory (a resctrl group). */
export function removeDirSync(path: string): void {
  attempt("rmdir", path, (lib) => lib.rmdir(path));
}
