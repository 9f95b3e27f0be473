import assert from "node:assert/strict";
import { compareLabelSets, LabelSets, labelText } from "../../src/metrics/label_set.ts";
import { MetricEncodingError } from "../../src/metrics/text_format.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

Deno.test("LabelSets: sorted names, escaped values, UTF-8 text; none is empty", () => {
  const sets = new LabelSets();
  const set = sets.of({ b: 'say "hi"\n', a: "ü" }, "m");
  assert.deepEqual(set.pairs, ["a", "ü", "b", 'say "hi"\n']);
  assert.equal(text(set.bytes), '{a="ü",b="say \\"hi\\"\\n"}');
  assert.equal(labelText(set.pairs), text(set.bytes));
  assert.equal(sets.of({}, "m").bytes.length, 0);
  assert.equal(sets.of(undefined, "m").bytes.length, 0);
});

Deno.test("LabelSets: a frozen labels object is made once; an unfrozen one every time", () => {
  const sets = new LabelSets();
  const frozen = Object.freeze({ task_id: "t1" });
  assert.equal(sets.of(frozen, "a"), sets.of(frozen, "b"));
  const open = { task_id: "t1" };
  const first = sets.of(open, "a");
  open.task_id = "t2"; // an unfrozen object may change, so its text is not remembered
  assert.notEqual(sets.of(open, "a"), first);
  assert.equal(text(sets.of(open, "a").bytes), '{task_id="t2"}');
});

Deno.test("LabelSets: invalid labels name the metric; a refused set is not remembered", () => {
  const sets = new LabelSets();
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ "bad-name": "x" }, /metric "m": invalid label name "bad-name"/],
    [{ __reserved: "x" }, /metric "m": invalid label name "__reserved": names starting with "__"/],
    [{ n: 5 }, /metric "m": label "n" has a non-string value \(number\)/],
    [{ n: null }, /label "n" has a non-string value \(null\)/],
  ];
  for (const [labels, message] of cases) {
    const frozen = Object.freeze(labels) as Record<string, string>;
    assert.throws(
      () => sets.of(frozen, "m"),
      (e) => e instanceof MetricEncodingError && message.test(e.message),
    );
    assert.throws(() => sets.of(frozen, "m"), MetricEncodingError, "a refused set was remembered");
  }
});

Deno.test("compareLabelSets: by name, then value in natural order, shorter first", () => {
  const sets = new LabelSets();
  const of = (labels: Record<string, string>) => sets.of(labels, "m");
  const ordered = [
    of({}),
    of({ cpu: "2" }),
    of({ cpu: "10" }),
    of({ cpu: "10", node: "0" }),
    of({ dev: "a" }),
  ];
  for (let i = 1; i < ordered.length; i++) {
    assert.ok(compareLabelSets(ordered[i - 1]!, ordered[i]!) < 0, `${i - 1} before ${i}`);
    assert.ok(compareLabelSets(ordered[i]!, ordered[i - 1]!) > 0);
  }
  assert.equal(compareLabelSets(of({ cpu: "1" }), of({ cpu: "1" })), 0);
});
