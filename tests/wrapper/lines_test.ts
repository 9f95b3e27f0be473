import assert from "node:assert/strict";
import { LineSplitter } from "../../src/wrapper/lines.ts";

Deno.test("lines end at \\n, \\r\\n and a lone \\r, across chunk boundaries", () => {
  const splitter = new LineSplitter();
  assert.deepEqual(splitter.push("a\nb\r"), ["a", "b"]);
  assert.deepEqual(splitter.push("\nc\r\nd"), ["c"]); // "\r" then "\n" in the next chunk is one line end
  assert.deepEqual(splitter.push("e\r"), ["de"]);
  assert.deepEqual(splitter.end(), []);
});

Deno.test("the last line without a line end is a line at the end", () => {
  const splitter = new LineSplitter();
  assert.deepEqual(splitter.push("x\ntrunc"), ["x"]);
  assert.deepEqual(splitter.end(), ["trunc"]);
  assert.deepEqual(splitter.end(), []);
});

Deno.test("a line longer than the limit is dropped and counted, the next one kept", () => {
  const splitter = new LineSplitter(5);
  assert.deepEqual(splitter.push("123"), []);
  assert.deepEqual(splitter.push("4567"), []);
  assert.deepEqual(splitter.push("89\nok\n123456\nend"), ["ok"]);
  assert.deepEqual(splitter.end(), ["end"]);
  assert.equal(splitter.dropped, 2);
});
