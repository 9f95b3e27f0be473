import assert from "node:assert/strict";
import { parseFlatKeyed } from "../../src/platform/flat_keyed.ts";
import { PlatformParseError } from "../../src/platform/parse.ts";

Deno.test("parseFlatKeyed reads key value lines", () => {
  assert.deepEqual(
    { ...parseFlatKeyed("usage_usec 38298044\nuser_usec 21524364\n\nnice_usec 0\n", "cpu.stat") },
    { usage_usec: 38298044, user_usec: 21524364, nice_usec: 0 },
  );
  assert.deepEqual({ ...parseFlatKeyed("", "cpu.stat") }, {});
  assert.ok(Object.isFrozen(parseFlatKeyed("a 1", "x")));
});

Deno.test("parseFlatKeyed reports malformed lines", () => {
  const table: Array<[string, number]> = [["a 1\nb\n", 2], ["a 1 2", 1], ["a x", 1]];
  for (const [text, line] of table) {
    assert.throws(() => parseFlatKeyed(text, "memory.stat"), (e: unknown) => {
      return e instanceof PlatformParseError && e.source === "memory.stat" && e.line === line;
    }, text);
  }
});
