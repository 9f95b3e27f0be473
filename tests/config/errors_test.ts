import assert from "node:assert/strict";
import { quoted } from "../../src/config/errors.ts";

Deno.test("quoted: a config value as written, control characters escaped as in log lines", () => {
  const table: Array<[string, string]> = [
    ["metrics.prom", `"metrics.prom"`],
    [String.raw`\s+([a-z_]+)\s+(\d+)`, String.raw`"\s+([a-z_]+)\s+(\d+)"`],
    ["a\x1b[2Jb", String.raw`"a\x1b[2Jb"`],
    ["line\nforged", String.raw`"line\nforged"`],
    ["rtl\u202eoverride", String.raw`"rtl\u202eoverride"`],
    ["", `""`],
  ];
  for (const [value, shown] of table) assert.equal(quoted(value), shown, JSON.stringify(value));
});
