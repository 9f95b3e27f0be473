/**
 * Refuses files an attacker could have written: the agent runs with privileges, and its config file and the
 * modules given with -r decide what it runs.
 */
import type { FileStatus } from "../../ffi/mod.ts";
import { ConfigError } from "./errors.ts";
import { type FileOwner, openTrustedFile } from "./trusted_open.ts";

export { type FileOwner, trustProblem } from "./trusted_open.ts";

const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/** Opens `path` and applies the trust rule to it and the directories above it: a regular file, ours or root's, writable by nobody else. */
export function checkTrustedFile(what: string, path: string, owner: FileOwner = {}): FileStatus {
  return openTrustedFile(what, path, { owner, read: false }).status;
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
  const { bytes } = openTrustedFile(`Config file ${path}`, path, { owner, maxBytes: MAX_CONFIG_BYTES });
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
