import assert from "node:assert/strict";
import { pythonRegExp } from "../../src/wrapper/args.ts";
import { defaultParser, MAX_BLOCK_LINES } from "../../src/wrapper/default_parser.ts";
import { parseNumber, readNumber } from "../../src/wrapper/parser.ts";
import { captureLogLines } from "../helpers/log_capture.ts";
import { latest, OPTIONS, parseText } from "../helpers/workload_parsers.ts";

Deno.test("generic parser: name=value pairs, line by line, with the prefix; 12x is no number", () => {
  const metrics = parseText(defaultParser, "a=4.0, b=17; d=12.5 e=1234.25\nnoise\nc=12x\n", {
    metricNamePrefix: "app_",
  });
  assert.deepEqual(latest(metrics), { app_a: 4, app_b: 17, app_d: 12.5, app_e: 1234.25 });
});

Deno.test("generic parser: the seeds' stress-ng regexp and separator make one block per run", () => {
  const text = "stress-ng: info:  [1] dispatching hogs: 1 cpu\n" +
    "stress-ng: metrc: [1] cpu                 342      1.04\n" +
    "stress-ng: info:  [2] dispatching hogs: 1 cpu\n" +
    "stress-ng: metrc: [2] cpu                 400      1.00\n" +
    "stress-ng: info:  [3] dispatching hogs: 1 cpu\n" +
    "stress-ng: metrc: [3] cpu                 999      1.00\n"; // a block without its separator yet
  const regexp = pythonRegExp(String.raw`(?P<name>cpu)[\ ]+(?P<value>\d+)`, "--regexp", "g");
  const separator = pythonRegExp("^(?:.*dispatching hogs.*)", "--separator");
  const parse = defaultParser.create({
    labels: { workload: "w" },
    metricNamePrefix: "stress_ng_bogo_ops_",
    regexp,
    separator,
  });
  const batches = text.split("\n").map((line) => parse([line]).map((m) => `${m.name}=${m.value}`));
  assert.deepEqual(batches.filter((b) => b.length > 0), [["stress_ng_bogo_ops_cpu=342"], [
    "stress_ng_bogo_ops_cpu=400",
  ]]);
});

Deno.test("generic parser: a match whose value is not a number or whose name is not a metric name is skipped", () => {
  const regexp = pythonRegExp(String.raw`(?P<name>[\w-]+):(?P<value>\S+)`, "--regexp", "g");
  assert.deepEqual(latest(parseText(defaultParser, "ok:1 bad-name:2 nan:x\n", { regexp })), { ok: 1 });
});

Deno.test("generic parser: a block keeps only its last MAX_BLOCK_LINES lines", () => {
  const separator = pythonRegExp("^(?:---)", "--separator");
  const parse = defaultParser.create({
    labels: {},
    metricNamePrefix: "",
    regexp: /(?<name>\w+?)=(?<value>\d+)/g,
    separator,
  });
  const lines = ["first=1", ...Array.from({ length: MAX_BLOCK_LINES - 1 }, () => "x"), "last=2"];
  assert.deepEqual(parse([...lines, "---"]).map((m) => m.name), ["last"]);
});

/** Each form a workload may print after `x=`, and what the default pattern makes of it (undefined: no metric). */
const FORMS: ReadonlyArray<[string, number | undefined]> = [
  ["17", 17],
  ["-3", -3],
  ["+4.5", 4.5],
  [".5", 0.5],
  ["5.", 5],
  ["1,350,028", 1350028],
  ["1.5e-05", 1.5e-05],
  ["2.5E+3", 2500],
  ["-7e2", -700],
  ["4.9e-324", 4.9e-324],
  ["1.7976931348623157e308", 1.7976931348623157e308],
  ["+Inf", Infinity],
  ["-Inf", -Infinity],
  ["inf", Infinity],
  ["INF", Infinity],
  ["Infinity", Infinity],
  ["-infinity", -Infinity],
  ["NaN", NaN],
  ["nan", NaN],
  ["-nan", NaN],
  ["0x1F", undefined],
  ["1e999", undefined],
  ["-1e999", undefined],
  ["1e-999", undefined],
  ["12x", undefined],
  ["1.2.3", undefined],
  ["1_000", undefined],
  ["infinite", undefined],
];

for (const [printed, expected] of FORMS) {
  Deno.test(`generic parser: x=${printed} gives ${expected === undefined ? "no metric" : expected}`, () => {
    const result = latest(parseText(defaultParser, `before=1 x=${printed} after=2\n`));
    assert.deepEqual(
      result,
      expected === undefined ? { before: 1, after: 2 } : { before: 1, x: expected, after: 2 },
    );
  });
}

Deno.test("generic parser: numbers are refused with one warning per pattern, naming the match", async () => {
  const parse = defaultParser.create(OPTIONS);
  const { lines } = await captureLogLines(() =>
    Promise.resolve(parse(["a=0x1F b=1e999", "a=0x1F", "c=0x2A latency=1.5e-05"]))
  );
  const warnings = lines.filter((line) => line.includes("WARNING"));
  assert.equal(warnings.length, 1, lines.join("\n"));
  assert.match(
    warnings[0]!,
    /--regexp matched "a=0x1F", but "0x1F" is not a decimal number: no metric is made from it \(reported once for this pattern/,
  );
  const again = await captureLogLines(() => Promise.resolve(defaultParser.create(OPTIONS)(["big=1e999"])));
  assert.match(
    again.lines.join("\n"),
    /"1e999" is outside the range of a double/,
    "a new pattern warns again",
  );
});

Deno.test("readNumber and parseNumber: the generic parser takes inf and NaN, the workloads' parsers skip them", () => {
  assert.deepEqual(readNumber(" -Inf "), { ok: true, value: -Infinity });
  assert.deepEqual(readNumber("0x1F"), { ok: false, problem: "not a decimal number" });
  assert.equal(parseNumber("NaN"), undefined);
  assert.equal(parseNumber("inf"), undefined);
  assert.equal(parseNumber("1e999"), undefined);
  assert.equal(parseNumber("3.6e+03"), 3600);
  assert.equal(parseNumber("1,350,028"), 1350028);
});
