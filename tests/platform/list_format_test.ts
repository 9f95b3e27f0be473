import assert from "node:assert/strict";
import { formatListFormat, parseListFormat } from "../../src/platform/list_format.ts";
import { PlatformParseError } from "../../src/platform/parse.ts";

Deno.test("parseListFormat expands ranges", () => {
  const table: Array<[string, number[]]> = [
    ["0-3,8-11\n", [0, 1, 2, 3, 8, 9, 10, 11]],
    ["0\n", [0]],
    ["0-1", [0, 1]],
    ["5,1-2,2", [1, 2, 5]],
    ["5,1- 2", [1, 2, 5]],
    [" 5 , 1 -2 ,3\n", [1, 2, 3, 5]],
    ["\n", []],
    ["", []],
  ];
  for (const [text, expected] of table) {
    assert.deepEqual(parseListFormat(text), expected, JSON.stringify(text));
  }
});

Deno.test("parseListFormat rejects malformed lists with the file name", () => {
  for (const bad of ["a", "1-", "3-1", "1,,2", "0-3:2", "1 2", "- 2"]) {
    assert.throws(() => parseListFormat(bad, "/sys/x/online"), (e: unknown) => {
      return e instanceof PlatformParseError && e.message.startsWith("/sys/x/online:1:");
    }, bad);
  }
});

Deno.test("formatListFormat is the inverse", () => {
  assert.equal(formatListFormat([0, 1, 2, 3, 8, 9, 10, 11]), "0-3,8-11");
  assert.equal(formatListFormat([5, 1, 2, 2]), "1-2,5");
  assert.equal(formatListFormat([]), "");
  for (const text of ["0-3,8-11", "0", "0,2,4-6"]) {
    assert.equal(formatListFormat(parseListFormat(text)), text);
  }
});
