import assert from "node:assert/strict";
import { escapeControl } from "../../src/logging/escape.ts";

Deno.test("escapeControl: control characters become printable escapes; ordinary text stays", () => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ["empty", "", ""],
    ["plain text, unicode and backslashes stay", "/docker/ä-1 \\s+ 'x' \"y\"", "/docker/ä-1 \\s+ 'x' \"y\""],
    ["newline, carriage return, tab", "a\nb\rc\td", "a\\nb\\rc\\td"],
    ["ESC of a terminal sequence", "\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"],
    ["NUL, BEL, backspace, DEL", "\x00\x07\x08\x7f", "\\x00\\x07\\x08\\x7f"],
    ["C1 controls (CSI, NEL)", "\u009b2J\u0085", "\\x9b2J\\x85"],
    ["Unicode line and paragraph separators", "a\u2028b\u2029c", "a\\u2028b\\u2029c"],
    ["bidirectional overrides", "\u202eevil\u2066\u2069\u200f", "\\u202eevil\\u2066\\u2069\\u200f"],
  ];
  for (const [name, input, expected] of cases) assert.equal(escapeControl(input), expected, name);
});
