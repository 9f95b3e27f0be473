import assert from "node:assert/strict";
import { type Metric, metric } from "../../src/metrics/metric.ts";
import {
  compareNatural,
  encodeMetrics,
  escapeHelp,
  escapeLabelValue,
  formatValue,
  MetricEncodingError,
} from "../../src/metrics/prometheus.ts";

const NOW = 1575625088768;
const plain = (metrics: Metric[]) => encodeMetrics(metrics, { timestamps: false });

Deno.test("encodeMetrics: no metrics, no text", () => {
  assert.equal(plain([]), "");
  assert.equal(encodeMetrics([], { timestamps: true, now: NOW }), "");
});

Deno.test("encodeMetrics: families sorted, HELP/TYPE once from the catalog, blank line between", () => {
  const text = plain([
    metric("wca_tasks", 1, { host: "h" }),
    metric("task_up", 1, { task_id: "b", host: "h" }),
    metric("task_up", 1, { task_id: "a", host: "h" }),
  ]);
  assert.equal(
    text,
    [
      "# HELP task_up Always 1 for a task the agent measured in this iteration.",
      "# TYPE task_up gauge",
      'task_up{host="h",task_id="a"} 1',
      'task_up{host="h",task_id="b"} 1',
      "",
      "# HELP wca_tasks Number of tasks the node reported in the last iteration.",
      "# TYPE wca_tasks gauge",
      'wca_tasks{host="h"} 1',
      "",
    ].join("\n"),
  );
});

Deno.test("encodeMetrics: metric help/type win over the catalog; unknown names get no HELP/TYPE", () => {
  const text = plain([
    metric("task_up", 1, {}, { help: "mine", type: "gauge" }),
    metric("my_thing", 2),
    metric("my_typed", 3, {}, { type: "counter" }),
  ]);
  assert.equal(
    text,
    "my_thing 2\n\n# TYPE my_typed counter\nmy_typed 3\n\n# HELP task_up mine\n# TYPE task_up gauge\ntask_up 1\n",
  );
});

Deno.test("encodeMetrics: the first help any metric of a name carries wins over the catalog", () => {
  const text = plain([metric("task_up", 1, { a: "1" }), metric("task_up", 1, { a: "2" }, { help: "later" })]);
  assert.ok(text.startsWith("# HELP task_up later\n"), text);
});

Deno.test("encodeMetrics: samples in natural order of label values, label names sorted", () => {
  const cpus = [10, 2, 1, 0, 21, 3].map((cpu) => metric("x", cpu, { host: "h", cpu: String(cpu) }));
  assert.equal(
    plain(cpus),
    [0, 1, 2, 3, 10, 21].map((cpu) => `x{cpu="${cpu}",host="h"} ${cpu}\n`).join(""),
  );
  const mixed = [
    metric("y", 1, { n: "node10" }),
    metric("y", 2, { n: "node9" }),
    metric("y", 3, { n: "node09" }),
    metric("y", 4, { n: "a" }),
    metric("y", 5, {}),
  ];
  assert.equal(plain(mixed), 'y 5\ny{n="a"} 4\ny{n="node09"} 3\ny{n="node9"} 2\ny{n="node10"} 1\n');
});

Deno.test("compareNatural: digits by value, ties broken so only equal strings compare 0", () => {
  const cases: [string, string, number][] = [
    ["2", "10", -1],
    ["10", "2", 1],
    ["a2b", "a10b", -1],
    ["a", "a1", -1],
    ["", "0", -1],
    ["01", "1", -1],
    ["1", "01", 1],
    ["x", "x", 0],
    ["99999999999999999999", "100000000000000000000", -1],
    ["a", "B", 1],
    ["1a", "1b", -1],
  ];
  for (const [a, b, sign] of cases) assert.equal(Math.sign(compareNatural(a, b)), sign, `${a} vs ${b}`);
});

Deno.test('escaping: label values escape \\ " and newline; HELP escapes \\ and newline', () => {
  const table: [string, string][] = [
    ["plain", "plain"],
    ['say "hi"', 'say \\"hi\\"'],
    ["C:\\dir", "C:\\\\dir"],
    ["two\nlines", "two\\nlines"],
    ['\\"\n', '\\\\\\"\\n'],
    ["tab\tand unicode ✓", "tab\tand unicode ✓"],
  ];
  for (const [input, expected] of table) assert.equal(escapeLabelValue(input), expected, input);
  assert.equal(escapeHelp('a \\ b\nc "q"'), 'a \\\\ b\\nc "q"');
  const text = plain([metric("z", 1, { v: 'a"\\\n' }, { help: "line1\nline2 \\" })]);
  assert.equal(text, '# HELP z line1\\nline2 \\\\\nz{v="a\\"\\\\\\n"} 1\n');
});

Deno.test("formatValue: integers plain, floats shortest, NaN and infinities", () => {
  const table: [number, string][] = [
    [0, "0"],
    [-0, "0"],
    [42, "42"],
    [-7, "-7"],
    [44191995093, "44191995093"],
    [15852359680, "15852359680"],
    [7.319848155, "7.319848155"],
    [0.1 + 0.2, "0.30000000000000004"],
    [1.0013580322265625e-05, "0.000010013580322265625"],
    [1e-7, "1e-7"],
    [1e21, "1e+21"],
    [NaN, "NaN"],
    [Infinity, "+Inf"],
    [-Infinity, "-Inf"],
  ];
  for (const [value, expected] of table) assert.equal(formatValue(value), expected, String(value));
});

Deno.test("encodeMetrics: timestamps from the metric, else `now`; rounded to milliseconds", () => {
  const metrics = [metric("a", 1, {}, { timestamp: 1000.6 }), metric("b", 2)];
  assert.equal(encodeMetrics(metrics, { timestamps: true, now: NOW }), `a 1 1001\n\nb 2 ${NOW}\n`);
  assert.equal(encodeMetrics(metrics, { timestamps: false, now: NOW }), "a 1\n\nb 2\n");
  const before = Date.now();
  const line = encodeMetrics([metric("c", 3)], { timestamps: true });
  const stamp = Number(line.trim().split(" ")[2]);
  assert.ok(stamp >= before && stamp <= Date.now(), line);
});

Deno.test("encodeMetrics: validation errors name the metric and the bad part", () => {
  const bad = (m: Record<string, unknown>) => ({ value: 1, labels: {}, ...m }) as unknown as Metric;
  const table: [string, Metric[], string][] = [
    ["empty name", [bad({ name: "" })], 'invalid metric name "": must match [a-zA-Z_:][a-zA-Z0-9_:]*'],
    ["digit first", [bad({ name: "1x" })], 'invalid metric name "1x": must match [a-zA-Z_:][a-zA-Z0-9_:]*'],
    ["dash", [bad({ name: "a-b" })], 'invalid metric name "a-b": must match [a-zA-Z_:][a-zA-Z0-9_:]*'],
    ["not a string", [bad({ name: 7 })], "invalid metric name 7: must match [a-zA-Z_:][a-zA-Z0-9_:]*"],
    [
      "label with dash",
      [metric("ok", 1, { "a-b": "1" })],
      'metric "ok": invalid label name "a-b": must match [a-zA-Z_][a-zA-Z0-9_]*',
    ],
    [
      "label with colon",
      [metric("ok", 1, { "a:b": "1" })],
      'metric "ok": invalid label name "a:b": must match [a-zA-Z_][a-zA-Z0-9_]*',
    ],
    [
      "reserved label",
      [metric("ok", 1, { __name__: "x" })],
      'metric "ok": invalid label name "__name__": names starting with "__" are reserved',
    ],
    [
      "label value not a string",
      [bad({ name: "ok", labels: { cpu: 1 } as unknown as Record<string, string> })],
      'metric "ok": label "cpu" has a non-string value (number)',
    ],
    [
      "value not a number",
      [bad({ name: "ok", value: "1" as unknown as number })],
      'metric "ok": value is not a number (string)',
    ],
    [
      "conflicting explicit types",
      [metric("ok", 1, { a: "1" }, { type: "gauge" }), metric("ok", 2, { a: "2" }, { type: "counter" })],
      'metric "ok": conflicting types "gauge" and "counter"',
    ],
    [
      "explicit type against the catalog",
      [metric("task_up", 1, { a: "1" }), metric("task_up", 1, { a: "2" }, { type: "counter" })],
      'metric "task_up": conflicting types "gauge" and "counter"',
    ],
    [
      "unknown type",
      [bad({ name: "ok", type: "histogram" as unknown as "gauge" })],
      'metric "ok": invalid type "histogram" (expected gauge or counter)',
    ],
    [
      "duplicate series, labels in another order",
      [metric("ok", 1, { a: "1", b: "2" }), metric("ok", 2, { b: "2", a: "1" })],
      'metric "ok": duplicate series {a="1",b="2"}',
    ],
    [
      "duplicate series without labels",
      [metric("ok", 1), metric("ok", 2)],
      'metric "ok": duplicate series {}',
    ],
    [
      "bad timestamp",
      [metric("ok", 1, {}, { timestamp: NaN })],
      'metric "ok": invalid timestamp NaN (expected finite milliseconds since the epoch)',
    ],
  ];
  for (const [title, metrics, message] of table) {
    assert.throws(() => encodeMetrics(metrics, { timestamps: true, now: NOW }), (error: unknown) => {
      assert.ok(error instanceof MetricEncodingError, title);
      assert.equal(error.message, message, title);
      return true;
    }, title);
  }
});

Deno.test("encodeMetrics: the error carries the metric name", () => {
  try {
    encodeMetrics([metric("ok", 1), metric("ok", 1)], { timestamps: false });
    assert.fail("expected an error");
  } catch (error) {
    assert.ok(error instanceof MetricEncodingError);
    assert.equal(error.metricName, "ok");
    assert.equal(error.name, "MetricEncodingError");
  }
});

Deno.test("encodeMetrics: same values in different label sets are not duplicates", () => {
  const text = plain([metric("ok", 1, { a: "1" }), metric("ok", 2, { b: "1" }), metric("ok", 3)]);
  assert.equal(text, 'ok 3\nok{a="1"} 1\nok{b="1"} 2\n');
});

Deno.test("encodeMetrics: input is not mutated", () => {
  const metrics = [
    metric("b", 1, { z: "1", a: "2" }),
    metric("a", 2, { cpu: "10" }),
    metric("a", 3, { cpu: "2" }),
  ];
  const snapshot = structuredClone(metrics);
  Object.freeze(metrics);
  for (const m of metrics) Object.freeze(Object.freeze(m).labels);
  encodeMetrics(metrics, { timestamps: true, now: NOW });
  assert.deepEqual(metrics, snapshot);
});
