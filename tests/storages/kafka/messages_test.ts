/** Splitting a batch at family boundaries: table tests on the pure function. */
import assert from "node:assert/strict";
import { splitAtFamilies } from "../../../src/storages/kafka/messages.ts";

const A = '# HELP a A.\n# TYPE a gauge\na{x="1"} 1 5\na{x="2"} 2 5\n';
const B = "# TYPE b counter\nb 7 5\n";
const C = "c_untyped 3\n";
const TEXT = `${A}\n${B}\n${C}`;

function split(text: string, max: number): Array<[string, number]> {
  return splitAtFamilies(new TextEncoder().encode(text), max).map((
    c,
  ) => [new TextDecoder().decode(c.bytes), c.samples]);
}

const cases: Array<{ name: string; text: string; max: number; want: Array<[string, number]> }> = [
  { name: "empty", text: "", max: 100, want: [] },
  { name: "all fits in one", text: TEXT, max: 1000, want: [[TEXT, 4]] },
  {
    name: "a family that would overflow starts the next message",
    text: TEXT,
    max: A.length,
    want: [[A, 2], [`${B}\n${C}`, 2]],
  },
  {
    name: "one family per message",
    text: TEXT,
    max: B.length,
    want: [
      ['# HELP a A.\n# TYPE a gauge\na{x="1"} 1 5\n', 1],
      ['# HELP a A.\n# TYPE a gauge\na{x="2"} 2 5\n', 1],
      [B, 1],
      [C, 1],
    ],
  },
  {
    name: "two families share when they fit",
    text: TEXT,
    max: A.length + 1 + B.length,
    want: [[`${A}\n${B}`, 3], [C, 1]],
  },
  {
    name: "a family above the limit is split between samples, comments repeated",
    text: TEXT,
    max: 40,
    want: [
      ['# HELP a A.\n# TYPE a gauge\na{x="1"} 1 5\n', 1],
      ['# HELP a A.\n# TYPE a gauge\na{x="2"} 2 5\n', 1],
      [`${B}\n${C}`, 2],
    ],
  },
  {
    name: "a last line without newline counts",
    text: "x 1\n\ny 2",
    max: 3,
    want: [["x 1\n", 1], ["y 2", 1]],
  },
];

for (const { name, text, max, want } of cases) {
  Deno.test(`splitAtFamilies: ${name}`, () => {
    assert.deepEqual(split(text, max), want);
  });
}

Deno.test("splitAtFamilies: joined parts hold every sample once, in order", () => {
  const lines = Array.from({ length: 500 }, (_, i) => `m{i="${i}"} ${i} 5`);
  const text = `# HELP m M.\n# TYPE m gauge\n${lines.join("\n")}\n`;
  const chunks = split(text, 1000);
  assert.ok(chunks.length > 5);
  const samples = chunks.flatMap(([t]) => t.split("\n").filter((l) => l && !l.startsWith("#")));
  assert.deepEqual(samples, lines);
  assert.equal(chunks.reduce((n, [, s]) => n + s, 0), 500);
  for (const [t] of chunks) assert.ok(new TextEncoder().encode(t).length <= 1000);
});
