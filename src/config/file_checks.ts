/**
 * Refuses files an attacker could have written: the agent runs with privileges, and its config file and the
 * modules given with -r decide what it runs.
 */
import { ConfigError } from "./errors.ts";

const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

export interface FileOwner {
  /** The uid allowed to own the file besides root; defaults to the current user. */
  uid?: number | null;
}

/** Why a file with this owner and mode may not be trusted, or undefined. `what` names it: "Config file /x". */
export function trustProblem(
  what: string,
  path: string,
  info: Deno.FileInfo,
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

/** Stats `path` and applies the trust rule: a regular file, ours or root's, writable by nobody else. */
export function checkTrustedFile(what: string, path: string, owner: FileOwner = {}): Deno.FileInfo {
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new ConfigError(`${what} does not exist`);
    if (error instanceof Deno.errors.PermissionDenied) {
      throw new ConfigError(`${what} cannot be read: permission denied`);
    }
    throw new ConfigError(`${what} cannot be read: ${(error as Error).message}`);
  }
  if (!info.isFile) throw new ConfigError(`${what} is not a regular file`);
  const me = owner.uid === undefined ? Deno.uid() : owner.uid;
  const problem = trustProblem(what, path, info, me);
  if (problem) throw new ConfigError(problem);
  return info;
}

/** The 1-based line and column of byte `offset` in `bytes` (columns count bytes of the line). */
function lineCol(bytes: Uint8Array, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
}

/** The offset of the first byte that is not part of valid UTF-8 (RFC 3629), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const follow = lead >= 0xc2 && lead <= 0xdf
      ? 1
      : lead >= 0xe0 && lead <= 0xef
      ? 2
      : lead >= 0xf0 && lead <= 0xf4
      ? 3
      : 0;
    if (follow === 0 || i + follow > bytes.length - 1) return i;
    for (let k = 1; k <= follow; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    const second = bytes[i + 1]!;
    // Overlong forms, UTF-16 surrogates and code points above U+10FFFF.
    if (
      (lead === 0xe0 && second < 0xa0) || (lead === 0xed && second > 0x9f) ||
      (lead === 0xf0 && second < 0x90) || (lead === 0xf4 && second > 0x8f)
    ) return i;
    i += follow + 1;
  }
  return -1;
}

/** Reads a config file after the trust checks; it must be UTF-8 (an invalid byte is refused with its position). */
export function readTrustedConfig(path: string, owner: FileOwner = {}): string {
  const what = `Config file ${path}`;
  const info = checkTrustedFile(what, path, owner);
  if (info.size > MAX_CONFIG_BYTES) {
    throw new ConfigError(`${what} is ${info.size} bytes; at most ${MAX_CONFIG_BYTES} are accepted`);
  }
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(path);
  } catch (error) {
    throw new ConfigError(`${what} cannot be read: ${(error as Error).message}`);
  }
  const invalid = firstInvalidUtf8(bytes);
  if (invalid >= 0) {
    const { line, col } = lineCol(bytes, invalid);
    throw new ConfigError(
      `Invalid UTF-8 (byte 0x${
        bytes[invalid]!.toString(16).padStart(2, "0")
      }): a config file must be UTF-8 text`,
      { file: path, line, col },
    );
  }
  return new TextDecoder().decode(bytes);
}
