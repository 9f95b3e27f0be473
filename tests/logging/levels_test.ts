import assert from "node:assert/strict";
import { parseLevel } from "../../src/logging/levels.ts";

Deno.test("levels parse in any case, with WARN and FATAL aliases; anything else is undefined", () => {
  const table: Array<[string, string | undefined]> = [
    ["debug", "DEBUG"],
    ["INFO", "INFO"],
    [" Warning ", "WARNING"],
    ["warn", "WARNING"],
    ["fatal", "CRITICAL"],
    ["trace", "TRACE"],
    ["loud", undefined],
    ["", undefined],
  ];
  for (const [text, expected] of table) assert.equal(parseLevel(text), expected, text);
});
