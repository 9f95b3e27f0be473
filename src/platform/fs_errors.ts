/**
 * Classifies file-system errors from Deno. Deno maps ENOENT to Deno.errors.NotFound but leaves ENODEV
 * and ESRCH as plain Errors whose message ends in "(os error N)", so both forms are checked.
 */
import * as hostFs from "./host_fs.ts";

const ERRNO_NAMES: Readonly<Record<number, string>> = Object.freeze({
  1: "EPERM",
  2: "ENOENT",
  3: "ESRCH",
  13: "EACCES",
  16: "EBUSY",
  17: "EEXIST",
  19: "ENODEV",
  22: "EINVAL",
  28: "ENOSPC",
  39: "ENOTEMPTY",
  95: "EOPNOTSUPP",
});

const OS_ERROR = /\(os error (\d+)\)/;

/** The errno name of a file-system error ("ENOENT", "ENODEV", …), or undefined. */
export function errnoName(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && code.startsWith("E")) return code;
  if (error instanceof Deno.errors.NotFound) return "ENOENT";
  const match = OS_ERROR.exec(error.message);
  if (match?.[1] === undefined) return undefined;
  return ERRNO_NAMES[Number(match[1])] ?? `errno ${match[1]}`;
}

/** The file (or its directory) does not exist. */
export function isNotFound(error: unknown): boolean {
  return errnoName(error) === "ENOENT";
}

/**
 * The cgroup or process behind the file went away: ENOENT when opened after removal, ENODEV when read
 * through a file opened before the cgroup was removed, ESRCH when the process has exited.
 */
export function isGoneError(error: unknown): boolean {
  const name = errnoName(error);
  return name === "ENOENT" || name === "ENODEV" || name === "ESRCH";
}

/** A file's text, or undefined when it (or its cgroup, group or process) is gone; other errors throw. */
export function readUnlessGone(path: string): string | undefined {
  try {
    return hostFs.readTextFileSync(path);
  } catch (error) {
    if (isGoneError(error)) return undefined;
    throw error;
  }
}
