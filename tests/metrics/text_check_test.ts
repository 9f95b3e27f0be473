/**
 * The strict exposition-format check against the real `promtool check metrics` (Debian package: prometheus):
 * whatever it passes, promtool parses; what it refuses, promtool refuses too, except the few forms it is
 * stricter about on purpose (marked).
 */
import assert from "node:assert/strict";
import { encodeMetrics } from "../../src/metrics/prometheus.ts";
import { expositionProblem } from "../../src/metrics/text_check.ts";
import { promtoolCheckMetrics } from "./peer_tools.ts";
import { realisticBatch } from "./sample_batch.ts";

/** [text, our verdict (undefined: valid; else a fragment of the problem), promtool stricter-than note]. */
const CASES: ReadonlyArray<[string, string | undefined, "promtool accepts"?]> = [
  ["a 1\n", undefined],
  ["", undefined],
  ["\n  \n# a comment\n#\n", undefined],
  [
    '# HELP a The a, with \\\\ and \\n.\n# TYPE a gauge\na{b="c \\" \\\\ \\n",d="e",} 1.5e3 1700000000000\n',
    undefined,
  ],
  ["  a\t1\t  5\n", undefined],
  ["a 1 \n", 'line 1: expected an integer as timestamp, got ""'],
  ["a 1 5 \n", "unexpected text after the timestamp"],
  ["a 1 99999999999999999999\n", "expected an integer as timestamp"],
  ["a NaN\nb +Inf\nc -Inf\nd inf\ne Infinity\nf .5\ng 5.\nh -0\n", undefined],
  ['# TYPE s summary\ns{quantile="0.5"} 1\ns_sum 2\ns_count 3\n', undefined],
  ['# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_sum 2\nh_count 1\n', undefined],
  ["# HELP a\n# TYPE\n# TYPE a\n", undefined],
  ["hello world\n", 'line 1: expected a float as value, got "world"'],
  ["a 1", "line 1: the text does not end with a line end"],
  ["a 1\nb\n", 'line 2: expected a blank and a value after "b"'],
  ["{json: true}\n", "line 1: invalid metric name"],
  ["1a 1\n", "line 1: invalid metric name"],
  ["a 0x1F\n", 'expected a float as value, got "0x1F"'],
  ["a 1e-999\n", 'expected a float as value, got "1e-999"', "promtool accepts"],
  ["a 1e999\n", 'expected a float as value, got "1e999"'],
  ["a +NaN\n", 'expected a float as value, got "+NaN"'],
  ["a 1 12.5\n", 'expected an integer as timestamp, got "12.5"'],
  ["a 1 5 x\n", "unexpected text after the timestamp"],
  ["a{b=c} 1\n", "expected '\"' at the start of the value"],
  ['a{b="c} 1\n', "not closed on its line"],
  ['a{b="\\t"} 1\n', "invalid escape sequence"],
  ['a{b="1",b="2"} 1\n', 'duplicate label name "b"'],
  ['a{b="1" c="2"} 1\n', "expected ',' or '}'"],
  ['a{1b="1"} 1\n', "invalid label name"],
  ['a{b="1"}1\n', "expected a blank and a value", "promtool accepts"],
  ["a 1\r\n", "carriage return"],
  ["# TYPE a gauge\n# TYPE a counter\n", 'second TYPE line for metric name "a"'],
  ["a 1\n# TYPE a gauge\n", "or TYPE after its samples"],
  ["# HELP a one\n# HELP a two\n", 'second HELP line for metric name "a"'],
  ["# HELP a bad \\t escape\n", "invalid escape sequence"],
  ["# TYPE a gauges\n", 'unknown metric type "gauges"'],
  ["# TYPE a gauge \n", 'unknown metric type "gauge "'],
  ["# TYPE a{ gauge\n", "invalid metric name"],
  ['# TYPE s summary\ns{quantile="x"} 1\n', 'expected a float as the value of label "quantile"'],
  ['# TYPE h histogram\nh_bucket{le="x"} 1\n', 'expected a float as the value of label "le"'],
  ["# TYPE s summary\ns_sum 1\n# TYPE s_count gauge\n", 'second TYPE line for metric name "s_count"'],
];

for (const [text, problem, promtool] of CASES) {
  Deno.test(`expositionProblem(${JSON.stringify(text)}) agrees with promtool`, async () => {
    const found = expositionProblem(text);
    if (problem === undefined) assert.equal(found, undefined);
    else assert.ok(found?.includes(problem), `${found} does not name ${problem}`);
    const check = await promtoolCheckMetrics(text);
    const parses = (check.code === 0 || check.code === 3) && !/error while linting|pars/i.test(check.stderr);
    assert.equal(parses, problem === undefined || promtool === "promtool accepts", check.stderr);
  });
}

Deno.test("expositionProblem: the encoder's whole catalog, with and without timestamps, is valid", () => {
  for (const timestamps of [false, true]) {
    const text = encodeMetrics(realisticBatch(), { timestamps, now: 1575625088768 });
    assert.equal(expositionProblem(text), undefined);
  }
});

Deno.test("expositionProblem: a long label value is quoted short in the message", () => {
  const problem = expositionProblem(`a{b="${"x".repeat(10_000)}\\q"} 1\n`)!;
  assert.ok(problem.length < 200, problem);
});
