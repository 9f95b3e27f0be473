/**
 * Opens a file the agent will act on (config, rules file, -r module) once, and checks what it opened:
 * the path is resolved, then opened one component at a time from "/" with O_NOFOLLOW (openat), each
 * directory and the file checked on its own descriptor (statx on the fd), and the bytes read from that
 * same descriptor. There is no second lookup by path that a swapped file could answer.
 *
 * Every directory above the file must pass the trust rule too, as OpenSSH's StrictModes requires: whoever
 * can write a directory can replace what is in it. A directory writable by others is accepted only with
 * the sticky bit (as /tmp): then nobody but an entry's owner can rename or remove it, and each entry below
 * is checked in turn.
 */
import { resolve } from "node:path";
import { ErrnoError, type FileStatus, Libc } from "../../ffi/mod.ts";
import { ConfigError } from "./errors.ts";

export interface FileOwner {
  /** The uid allowed to own the file besides root; defaults to the current user. */
  uid?: number | null;
}

/** Why a file with this owner and mode may not be trusted, or undefined. `what` names it: "Config file /x". */
export function trustProblem(
  what: string,
  path: string,
  info: { readonly uid: number | null; readonly gid: number | null; readonly mode: number | null },
  me: number | null,
): string | undefined {
  if (info.uid !== null && me !== null && info.uid !== me && info.uid !== 0) {
    return `${what} is owned by uid ${info.uid}; it must be owned by the user running wca (uid ${me}) ` +
      `or by root, so that nobody else can change what the agent runs`;
  }
  if (info.mode === null) return undefined;
  const mode = (info.mode & 0o777).toString(8);
  if ((info.mode & 0o002) !== 0) {
    return `${what} is writable by others (mode ${mode}); run 'chmod go-w ${path}' ` +
      `so that nobody else can change what the agent runs`;
  }
  // A group other than root's may hold users who are not root: same risk as others-write (WCA missed it).
  if ((info.mode & 0o020) !== 0 && info.gid !== null && info.gid !== 0) {
    return `${what} is writable by its group (gid ${info.gid}, mode ${mode}); run 'chmod go-w ${path}' ` +
      `so that nobody else can change what the agent runs`;
  }
  return undefined;
}

export interface TrustedOpenOptions {
  owner?: FileOwner;
  /** Refuse larger files; default 4 MiB. */
  maxBytes?: number;
  /** Read the bytes (default) or only check. */
  read?: boolean;
  /** A loaded C library to use; by default one is loaded for the call. */
  libc?: Libc;
}

export interface TrustedFile {
  /** The resolved path that was checked and read (no symbolic links in it). */
  readonly path: string;
  readonly status: FileStatus;
  /** Empty when `read: false`. */
  readonly bytes: Uint8Array;
}

const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;
const STICKY = 0o1000;

/**
 * Why a directory on the path may not be trusted, or undefined. On a read-only mount (as Kubernetes mounts
 * a ConfigMap, whose directory is mode 777) nobody can write through it, whatever its mode says.
 */
function directoryProblem(
  what: string,
  dir: string,
  status: FileStatus,
  me: number | null,
  readOnly: boolean,
): string | undefined {
  // Sticky (as /tmp): others may add entries but not replace ours, and each entry is checked in turn.
  const writeBits = readOnly || (status.mode & STICKY) !== 0 ? 0o022 : 0;
  const mode = status.mode & ~writeBits;
  return trustProblem(`Directory ${dir} (on the path to ${what})`, dir, { ...status, mode }, me);
}

function describeOpenError(what: string, real: string, error: unknown): ConfigError {
  if (error instanceof ErrnoError) {
    if (error.code === "ENOENT") return new ConfigError(`${what} does not exist`);
    if (error.code === "EACCES" || error.code === "EPERM") {
      return new ConfigError(`${what} cannot be read: permission denied`);
    }
    if (error.code === "ELOOP" || error.code === "ENOTDIR") {
      return new ConfigError(
        `${what} changed while it was being checked (a part of ${real} is now a symbolic link or not a ` +
          `directory); it was not read`,
      );
    }
    if (error.code === "ENXIO") return new ConfigError(`${what} is not a regular file`);
  }
  return new ConfigError(`${what} cannot be read: ${(error as Error).message}`);
}

/**
 * When `named` reaches the file through symbolic links, the directories holding those links must be
 * trusted too, or someone could point a link elsewhere after the check. Stat by path: the resolved path
 * is what is then opened and checked descriptor by descriptor.
 */
function checkNamedDirectories(
  what: string,
  named: string,
  real: string,
  me: number | null,
  libc: Libc,
): void {
  if (named === real) return;
  const parts = named.split("/").filter((name) => name !== "").slice(0, -1);
  for (let i = 0; i <= parts.length; i++) {
    const dir = `/${parts.slice(0, i).join("/")}`;
    // Followed like the path is: a link's target directory is checked here as well as after resolving.
    const status = libc.stat(dir);
    const problem = directoryProblem(what, dir, status, me, libc.pathOnReadOnlyMount(dir));
    if (problem) throw new ConfigError(problem);
  }
}

/** The path with its symbolic links resolved, or a ConfigError naming `what`. */
function realPath(what: string, path: string): string {
  try {
    return Deno.realPathSync(resolve(path));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new ConfigError(`${what} does not exist`);
    if (error instanceof Deno.errors.PermissionDenied) {
      throw new ConfigError(`${what} cannot be read: permission denied`);
    }
    throw new ConfigError(`${what} cannot be read: ${(error as Error).message}`);
  }
}

function readAll(libc: Libc, fd: number, limit: number, what: string): Uint8Array {
  const bytes = libc.readToEnd(fd, limit);
  // The size was checked on the descriptor; a file that grows past it since is refused all the same.
  if (bytes.length > limit) {
    throw new ConfigError(`${what} is over ${limit} bytes; at most ${limit} are accepted`);
  }
  return bytes;
}

/**
 * Opens `path` and applies the trust rule to the file and every directory above it, on their open
 * descriptors; returns what it read from the file. Every refusal is a ConfigError naming `what`.
 */
export function openTrustedFile(what: string, path: string, options: TrustedOpenOptions = {}): TrustedFile {
  const real = realPath(what, path);
  const me = options.owner?.uid === undefined ? Deno.uid() : options.owner.uid;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let libc: Libc;
  try {
    libc = options.libc ?? new Libc();
  } catch (error) {
    throw new ConfigError(`${what} cannot be checked: ${(error as Error).message}`);
  }
  const fds: number[] = [];
  try {
    checkNamedDirectories(what, resolve(path), real, me, libc);
    const names = real.split("/").filter((name) => name !== "");
    let dir = libc.open("/", { directory: true });
    fds.push(dir);
    let dirPath = "/";
    for (let i = 0;; i++) {
      const problem = directoryProblem(what, dirPath, libc.fstat(dir), me, libc.onReadOnlyMount(dir));
      if (problem) throw new ConfigError(problem);
      if (i >= names.length - 1) break;
      dir = libc.openAt(dir, names[i]!, { directory: true });
      fds.push(dir);
      dirPath = `${dirPath === "/" ? "" : dirPath}/${names[i]}`;
    }
    const last = names[names.length - 1];
    if (last === undefined) throw new ConfigError(`${what} is not a regular file`);
    const fd = libc.openAt(dir, last);
    fds.push(fd);
    const status = libc.fstat(fd);
    if (status.type !== "file") throw new ConfigError(`${what} is not a regular file`);
    const problem = trustProblem(what, path, status, me);
    if (problem) throw new ConfigError(problem);
    if (status.size > maxBytes) {
      throw new ConfigError(`${what} is ${status.size} bytes; at most ${maxBytes} are accepted`);
    }
    const bytes = options.read === false ? new Uint8Array(0) : readAll(libc, fd, maxBytes, what);
    return { path: real, status, bytes };
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw describeOpenError(what, real, error);
  } finally {
    for (const fd of fds) {
      try {
        libc.close(fd);
      } catch {
        // Linux releases the descriptor even when close reports an error.
      }
    }
    if (!options.libc) libc.unload();
  }
}
