/**
 * Our encoder's output checked by the real `promtool check metrics` (Debian package: prometheus).
 * promtool exits 1 on a parse error and 3 on lint problems, printing them to stderr one per line.
 */
import assert from "node:assert/strict";
import { catalogNames, lookupMetric } from "../../src/metrics/catalog.ts";
import { metric } from "../../src/metrics/metric.ts";
import { encodeMetrics } from "../../src/metrics/prometheus.ts";
import { promtoolCheckMetrics } from "./peer_tools.ts";
import { realisticBatch } from "./sample_batch.ts";

const NOW = 1575625088768;

function complaints(stderr: string): string[] {
  return stderr.split("\n").filter((line) => line.trim() !== "");
}

/** WCA's name for the RDT memory bandwidth allocation; promtool reads "mb" as an abbreviated unit. */
const WCA_NAME_LINTS = ["allocation_rdt_mb metric names should not contain abbreviated units"];

Deno.test("promtool: a realistic WCA gauge batch, with and without timestamps, passes with no complaints", async () => {
  // WCA's gauge numa__task_tasks_count keeps its `_count` name, a lint the next test expects.
  const gauges = realisticBatch({ tasks: 3, cpus: 8 })
    .filter((m) => lookupMetric(m.name)?.type === "gauge" && !m.name.endsWith("_count"));
  const extra = [
    metric("task_scaling_factor_avg", NaN, { host: "node-1", task_id: "x", task_name: "x" }),
    metric("task_mem_limit_bytes", Infinity, { host: "node-1", task_id: "x", task_name: "x" }),
    metric("wca_duration_seconds", -Infinity, { host: "node-1", function: "odd" }),
    metric("wca_information", 1, { host: "node-1", note: 'back\\slash "quoted"\nnewline' }),
  ];
  for (const timestamps of [false, true]) {
    const text = encodeMetrics([...gauges, ...extra], { timestamps, now: NOW });
    assert.ok(text.includes("\n\n# HELP"), "families are separated by blank lines");
    const result = await promtoolCheckMetrics(text);
    assert.deepEqual(complaints(result.stderr + result.stdout), WCA_NAME_LINTS, `timestamps: ${timestamps}`);
    assert.equal(result.code, 3, `timestamps: ${timestamps}: lint only, no parse error`);
  }
});

Deno.test("promtool: the whole catalog parses; the only complaints are WCA's counter and _count names", async () => {
  const text = encodeMetrics(realisticBatch(), { timestamps: true, now: NOW });
  const result = await promtoolCheckMetrics(text);
  const counters = catalogNames().filter((name) => lookupMetric(name)!.type === "counter");
  // WCA-compatible names win over the Prometheus naming convention; that is a lint, not a parse error.
  const expected = [
    ...WCA_NAME_LINTS,
    ...counters.filter((name) => !name.endsWith("_total")).map((name) =>
      `${name} counter metrics should have "_total" suffix`
    ),
    ...catalogNames().filter((name) => name.endsWith("_count")).map((name) =>
      `${name} non-histogram and non-summary metrics should not have "_count" suffix`
    ),
  ];
  assert.deepEqual(complaints(result.stderr).sort(), expected.sort());
  assert.equal(result.code, 3, "lint problems only (1 would be a parse error)");
});

Deno.test("promtool: does complain about invalid text, so the checks above can fail", async () => {
  const cases: [string, string, RegExp][] = [
    ["raw newline in a label value", 'x{a="1\n"} 1\n', /unescaped new-line|parsing error/],
    ["second TYPE line", "# TYPE x gauge\nx 1\n# TYPE x counter\n", /second TYPE line/],
    ["missing help", "# TYPE y gauge\ny 1\n", /no help text/],
  ];
  for (const [title, text, pattern] of cases) {
    const result = await promtoolCheckMetrics(text);
    assert.notEqual(result.code, 0, title);
    assert.match(result.stderr, pattern, title);
  }
});
