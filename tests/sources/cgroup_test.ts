import assert from "node:assert/strict";
import { requested } from "../../src/sources/cgroup.ts";

Deno.test("requested: numbers and numeric strings; anything else is no metric", () => {
  const table: Array<[number | string | undefined, number | undefined]> = [
    [2, 2],
    [0.5, 0.5],
    ["2", 2],
    [" 1.5 ", 1.5],
    ["1e9", 1e9],
    [undefined, undefined],
    ["", undefined],
    ["lots", undefined],
    ["2Gi", undefined],
    [Infinity, undefined],
    [NaN, undefined],
  ];
  for (const [value, expected] of table) assert.equal(requested(value), expected, String(value));
});
