/** The OpenMetrics 1.0 variant of the encoder (encodeMetrics with format: "openmetrics"). */
import assert from "node:assert/strict";
import { metric } from "../../src/metrics/metric.ts";
import { encodeMetrics, escapeOpenMetricsHelp } from "../../src/metrics/prometheus.ts";

const om = (metrics: Parameters<typeof encodeMetrics>[0], timestamps = false) =>
  encodeMetrics(metrics, { timestamps, now: 1_600_000_000_123, format: "openmetrics", catalog: {} });

Deno.test("OpenMetrics: TYPE before HELP, no blank lines, # EOF at the end", () => {
  assert.equal(om([]), "# EOF\n");
  assert.equal(
    om([
      metric("b_gauge", 1.5, { x: "1" }, { type: "gauge", help: "A gauge." }),
      metric("a_untyped", 2),
    ]),
    'a_untyped 2\n# TYPE b_gauge gauge\n# HELP b_gauge A gauge.\nb_gauge{x="1"} 1.5\n# EOF\n',
  );
});

Deno.test("OpenMetrics: counters named *_total are declared without the suffix; others are unknown", () => {
  const text = om([
    metric("wca_storage_write_errors_total", 3, { storage: "LogStorage" }, {
      type: "counter",
      help: "Errors.",
    }),
    metric("task_cycles", 7, { task_id: "t" }, { type: "counter", help: "Cycles." }),
    metric("nan_total", NaN, {}, { type: "counter" }),
    metric("negative_total", -1, {}, { type: "counter" }),
    metric("_total", 1, {}, { type: "counter" }),
    metric("clash", 1, {}, { type: "gauge" }),
    metric("clash_total", 1, {}, { type: "counter" }),
  ]);
  assert.equal(
    text,
    [
      "# TYPE _total unknown",
      "_total 1",
      "# TYPE clash gauge",
      "clash 1",
      "# TYPE clash_total unknown",
      "clash_total 1",
      "# TYPE nan_total unknown",
      "nan_total NaN",
      "# TYPE negative_total unknown",
      "negative_total -1",
      "# TYPE task_cycles unknown",
      "# HELP task_cycles Cycles.",
      'task_cycles{task_id="t"} 7',
      "# TYPE wca_storage_write_errors counter",
      "# HELP wca_storage_write_errors Errors.",
      'wca_storage_write_errors_total{storage="LogStorage"} 3',
      "# EOF",
      "",
    ].join("\n"),
  );
});

Deno.test("OpenMetrics: timestamps in seconds; HELP escapes quotes too; +Inf", () => {
  const text = om([
    metric("g", Infinity, { l: 'a"b\\c\nd' }, {
      type: "gauge",
      help: 'say "hi"\\\n',
      timestamp: 1_700_000_000_500,
    }),
    metric("h", 1, {}, { type: "gauge" }),
  ], true);
  assert.equal(
    text,
    '# TYPE g gauge\n# HELP g say \\"hi\\"\\\\\\n\ng{l="a\\"b\\\\c\\nd"} +Inf 1700000000.5\n'.replace(
      "\n\ng",
      "\ng",
    ) +
      "# TYPE h gauge\nh 1 1600000000.123\n# EOF\n",
  );
  assert.equal(escapeOpenMetricsHelp("plain"), "plain");
  assert.equal(escapeOpenMetricsHelp('"'), '\\"');
});

Deno.test("OpenMetrics: invalid input is refused as in the text format", () => {
  assert.throws(() => om([metric("bad name", 1)]), { name: "MetricEncodingError" });
  assert.throws(() => om([metric("dup", 1), metric("dup", 2)]), {
    message: 'metric "dup": duplicate series {}',
  });
});
