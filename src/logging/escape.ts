/**
 * Makes text from the config or the host safe to print on one log line: control characters (C0, DEL,
 * C1), Unicode line and paragraph separators and bidirectional overrides are written as escapes, so a
 * cgroup name or a config value can neither start a forged log line nor send a terminal escape.
 * Backslashes are left as they are: regular expressions and paths in messages stay readable.
 */

// deno-lint-ignore no-control-regex
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeOne(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** `a\nb\x1b[31m` (real newline and ESC) → `a\\nb\\x1b[31m` (printable backslash escapes). */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}
