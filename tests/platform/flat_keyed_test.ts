import assert from "node:assert/strict";
import { parseFlatKeyed } from "../../src/platform/flat_keyed.ts";

Deno.test("parseFlatKeyed reads key value lines", () => {
  assert.deepEqual(
    { ...parseFlatKeyed("usage_usec 38298044\nuser_usec 21524364\n\nnice_usec 0\n", "cpu.stat") },
    { usage_usec: 38298044, user_usec: 21524364, nice_usec: 0 },
  );
  assert.deepEqual({ ...parseFlatKeyed("", "cpu.stat") }, {});
  assert.ok(Object.isFrozen(parseFlatKeyed("a 1", "x")));
});

Deno.test("parseFlatKeyed skips unreadable lines, keeps the rest and reports each skipped line", () => {
  const table: Array<[string, Record<string, number>, string[]]> = [
    ["a 1\nb\nc 3\n", { a: 1, c: 3 }, [`memory.stat:2: skipped "b": expected "key integer"`]],
    ["a 1 2\nb 2\n", { b: 2 }, [`memory.stat:1: skipped "a 1 2": expected "key integer"`]],
    ["a x\n", {}, [`memory.stat:1: skipped "a x": expected "key integer"`]],
    ["a 1.5\nb -2\n", { b: -2 }, [`memory.stat:1: skipped "a 1.5": expected "key integer"`]],
    ["  cache   12  \n", { cache: 12 }, []],
  ];
  for (const [text, values, reports] of table) {
    const skipped: string[] = [];
    assert.deepEqual({ ...parseFlatKeyed(text, "memory.stat", (m) => skipped.push(m)) }, values, text);
    assert.deepEqual(skipped, reports, text);
  }
  assert.deepEqual({ ...parseFlatKeyed("a 1\nbroken\n", "x") }, { a: 1 }, "without a reporter: skipped too");
});
