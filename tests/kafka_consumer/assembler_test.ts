/** Putting KafkaStorage's split batches together again; refusing what is not Prometheus text. */
import assert from "node:assert/strict";
import { BatchAssembler, joinParts, RefusalStreak, textProblem } from "../../src/kafka_consumer/assembler.ts";
import { RecordingLog } from "../helpers/recording_log.ts";
import { splitAtFamilies } from "../../src/storages/kafka/messages.ts";

const TEXT =
  '# HELP a A.\n# TYPE a gauge\na{x="1"} 1 5\na{x="2"} 2 5\na{x="3"} 3 5\n\n# TYPE b counter\nb 7 5\n';

function parts(text: string, max: number): string[] {
  return splitAtFamilies(new TextEncoder().encode(text), max).map((c) => new TextDecoder().decode(c.bytes));
}

for (const max of [1000, 60, 30, 10]) {
  Deno.test(`joinParts: a batch split at ${max} bytes is the batch again`, () => {
    assert.equal(joinParts(parts(TEXT, max)), TEXT);
  });
}

Deno.test("BatchAssembler: parts in any order make one batch; a lone message is a batch", () => {
  const assembler = new BatchAssembler();
  const pieces = parts(TEXT, 30);
  assert.ok(pieces.length >= 3);
  const order = pieces.map((_, i) => i).reverse();
  const results = order.map((i) =>
    assembler.feed({
      text: pieces[i]!,
      headers: { "wca-batch": "x-1", "wca-part": `${i + 1}/${pieces.length}` },
    })
  );
  assert.ok(results.slice(0, -1).every((r) => r.kind === "partial"));
  assert.deepEqual(results.at(-1), { kind: "batch", text: TEXT });
  assert.deepEqual(assembler.feed({ text: "c 1\n", headers: {} }), { kind: "batch", text: "c 1\n" });
  assert.deepEqual(
    assembler.feed({ text: "c 2", headers: {} }),
    { kind: "batch", text: "c 2\n" },
    "line end added",
  );
  assert.equal(assembler.feed({ text: "hello world", headers: {} }).kind, "refused");
});

Deno.test("BatchAssembler: abandoned batches do not pile up", () => {
  const assembler = new BatchAssembler(2);
  for (const id of ["a", "b", "c"]) {
    assembler.feed({ text: "x 1\n", headers: { "wca-batch": id, "wca-part": "1/2" } });
  }
  assert.equal(
    assembler.feed({ text: "x 2\n", headers: { "wca-batch": "a", "wca-part": "2/2" } }).kind,
    "partial",
  );
  assert.equal(
    assembler.feed({ text: "x 2\n", headers: { "wca-batch": "c", "wca-part": "2/2" } }).kind,
    "batch",
  );
});

const TEXTS: Array<[string, string | undefined]> = [
  ["a 1\n", undefined],
  ['a{b="c d"} 1.5e3 1700000000000\n# EOF-less comment\n', undefined],
  ["", "it is empty"],
  [" \n\n", "it is empty"],
  ["{json: true}\n", "not Prometheus text: line 1: invalid metric name"],
  ["a 1\nnot a sample line at all\n", 'not Prometheus text: line 2: expected a float as value, got "a"'],
  ["hello world\n", 'not Prometheus text: line 1: expected a float as value, got "world"'],
];

for (const [text, problem] of TEXTS) {
  Deno.test(`textProblem(${JSON.stringify(text)})`, () => {
    assert.equal(textProblem(text), problem);
  });
}

Deno.test("RefusalStreak: one warning per streak naming partition and offset, escaped; one line when it ends", () => {
  const log = new RecordingLog();
  const streak = new RefusalStreak(log);
  streak.good("partition 0 offset 0");
  streak.refused("partition 0 offset 1", 'not Prometheus text: line 1: got "\u001b[31m"\nforged');
  streak.refused("partition 0 offset 2", "it has no value (null)");
  streak.good("partition 0 offset 3");
  streak.refused("partition 0 offset 4", "it is empty");
  assert.deepEqual(log.warnings, [
    'partition 0 offset 1: refused, not Prometheus text: line 1: got "\\x1b[31m"\\nforged; keeping the last good ' +
    "batch (further refusals are not logged until a good batch comes)",
    "partition 0 offset 4: refused, it is empty; keeping the last good batch (further refusals are not logged " +
    "until a good batch comes)",
  ]);
  assert.deepEqual(log.infos, [
    "partition 0 offset 3: serving a good batch again, after 2 refused message(s)",
  ]);
  assert.equal(log.debugs.length, 1);
});
