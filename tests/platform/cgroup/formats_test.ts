import assert from "node:assert/strict";
import {
  parseIdList,
  parseLimit,
  parseSingleInteger,
  pickFlatKeyed,
} from "../../../src/platform/cgroup/formats.ts";
import { PlatformParseError } from "../../../src/platform/parse.ts";

const isParseError = (pattern: RegExp) => (e: unknown) =>
  e instanceof PlatformParseError && pattern.test(e.message);

Deno.test("parseSingleInteger: real, empty and malformed input", () => {
  assert.equal(parseSingleInteger("41052385577\n", "cpuacct.usage"), 41052385577);
  assert.throws(
    () => parseSingleInteger("", "cpuacct.usage"),
    isParseError(/^cpuacct.usage: expected exactly one line$/),
  );
  assert.throws(() => parseSingleInteger("1\n2\n", "f"), isParseError(/exactly one line/));
  assert.throws(
    () => parseSingleInteger("max\n", "memory.current"),
    isParseError(/^memory.current:1: expected an integer/),
  );
});

Deno.test("parseLimit: bytes, v2 max and v1 unlimited become Infinity", () => {
  const table: Array<[string, number]> = [
    ["536870912\n", 536870912],
    ["max\n", Infinity],
    ["9223372036854771712\n", Infinity], // 4 KiB pages
    ["9223372036854710272\n", Infinity], // 64 KiB pages
    ["0\n", 0],
  ];
  for (const [text, expected] of table) assert.equal(parseLimit(text, "memory.max"), expected, text);
  assert.throws(() => parseLimit("", "memory.max"), PlatformParseError);
  assert.throws(() => parseLimit("maximum\n", "memory.max"), isParseError(/^memory.max:1:/));
});

Deno.test("parseIdList: real, empty and malformed input", () => {
  assert.deepEqual(parseIdList("7219\n7220\n", "tasks"), [7219, 7220]);
  assert.deepEqual(parseIdList("", "tasks"), []);
  assert.throws(() => parseIdList("1\nx\n", "tasks"), isParseError(/^tasks:2: expected an integer for id/));
});

Deno.test("pickFlatKeyed: the usual text and text with unreadable lines give what parseFlatKeyed gives", () => {
  const table: Array<[string, (number | undefined)[], number]> = [
    ["cache 0\npgfault 17\ntotal_pgfault 20\n", [20, 17], 0],
    ["cache 0\npgfault 17\n", [undefined, 17], 0],
    ["cache 0\nodd line here\npgfault 17\n", [undefined, 17], 1],
    ["pgfault x\ntotal_pgfault 3\n", [3, undefined], 1],
    ["", [undefined, undefined], 0],
  ];
  for (const [text, expected, skips] of table) {
    const skipped: string[] = [];
    assert.deepEqual(
      pickFlatKeyed(text, "memory.stat", ["total_pgfault", "pgfault"], (m) => skipped.push(m)),
      expected,
      text,
    );
    assert.equal(skipped.length, skips, text);
  }
});
