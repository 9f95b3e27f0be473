import assert from "node:assert/strict";
import { editDistance, nearest } from "../../src/config/suggest.ts";

Deno.test("editDistance: insertions, deletions, substitutions and neighbour swaps cost 1 each", () => {
  const table: Array<[string, string, number]> = [
    ["", "", 0],
    ["", "abc", 3],
    ["abc", "", 3],
    ["interval", "interval", 0],
    ["intervall", "interval", 1], // deletion
    ["metric_storage", "metrics_storage", 1], // insertion
    ["intreval", "interval", 1], // swap
    ["nodes", "node", 1],
    ["kitten", "sitting", 3],
    ["ca", "abc", 3], // optimal string alignment: no edit of a swapped pair
    ["MeasurementRunner", "MesaurementRunner", 1],
  ];
  for (const [a, b, expected] of table) {
    assert.equal(editDistance(a, b), expected, `${a} -> ${b}`);
    assert.equal(editDistance(b, a), expected, `${b} -> ${a}`);
  }
});

Deno.test("nearest: a likely typo gets the closest name; unrelated names get none", () => {
  const fields = ["node", "metrics_storage", "interval", "rdt_enabled", "event_names", "extra_labels"];
  const table: Array<[string, readonly string[], string | undefined]> = [
    ["metric_storage", fields, "metrics_storage"],
    ["intervall", fields, "interval"],
    ["event_name", fields, "event_names"],
    ["nodes", fields, "node"],
    ["Interval", fields, "interval"], // case alone
    ["rdt_enable", fields, "rdt_enabled"],
    ["storage", fields, undefined], // too far from metrics_storage
    ["x", fields, undefined],
    ["", fields, undefined],
    ["interval", fields, undefined], // itself is not a suggestion
    ["!MesurementRunner", ["!LogStorage", "!MeasurementRunner", "!StaticNode"], "!MeasurementRunner"],
    ["!measurementrunner", ["!LogStorage", "!MeasurementRunner"], "!MeasurementRunner"],
    ["!Nope", ["!LogStorage", "!MeasurementRunner", "!Env"], undefined],
    ["runer", ["runner", "loggers"], "runner"],
    ["abc", [], undefined],
  ];
  for (const [name, candidates, expected] of table) {
    assert.equal(nearest(name, candidates), expected, `${name} among ${candidates.join(",")}`);
  }
});

Deno.test("nearest: of two equally close names the first wins; a closer later one beats it", () => {
  assert.equal(nearest("cat", ["bat", "hat"]), "bat");
  assert.equal(nearest("abcdefgh", ["abcdxxgh", "abcdefgx"]), "abcdefgx");
});
