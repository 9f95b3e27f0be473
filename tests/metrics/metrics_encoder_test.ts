/** MetricsEncoder kept across batches, as storages keep it: the same text as a fresh encodeMetrics. */
import assert from "node:assert/strict";
import { type Metric, metric } from "../../src/metrics/metric.ts";
import { encodeMetrics, MetricEncodingError, MetricsEncoder } from "../../src/metrics/prometheus.ts";
import { realisticBatch, taskLabels } from "./sample_batch.ts";

const NOW = 1_700_000_000_000;
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** A batch whose task metrics share one frozen labels object per task, as the runner builds them. */
function sharedLabelBatch(tasks: number, value: number, renamed = -1): Metric[] {
  const out: Metric[] = [];
  for (let i = 0; i < tasks; i++) {
    const labels = Object.freeze({
      ...taskLabels(i, "h"),
      ...(i === renamed ? { task_name: "renamed" } : {}),
    });
    for (const name of ["task_up", "task_cpu_usage_seconds", "task_mem_usage_bytes"]) {
      out.push({ name, value: value + i, labels });
    }
  }
  return out;
}

Deno.test("MetricsEncoder: one encoder over many batches writes what a fresh encodeMetrics writes", () => {
  const encoder = new MetricsEncoder();
  const kept = sharedLabelBatch(12, 0);
  const batches = [
    realisticBatch({ tasks: 3 }),
    kept,
    // the same frozen labels objects again, new values: the remembered text must not be stale
    kept.map((m) => ({ ...m, value: m.value * 2.5 })),
    sharedLabelBatch(12, 7, 4),
    [],
    realisticBatch({ tasks: 2, cpus: 12 }),
  ];
  for (const [index, batch] of batches.entries()) {
    for (const format of ["prometheus", "openmetrics"] as const) {
      for (const timestamps of [false, true]) {
        const options = { timestamps, now: NOW, format };
        const expected = encodeMetrics(batch, options);
        assert.equal(
          decode(encoder.render(encoder.prepare(batch), options)),
          expected,
          `batch ${index} ${format}`,
        );
      }
    }
  }
});

Deno.test("MetricsEncoder: a prepared batch renders the same after later batches were prepared", () => {
  const encoder = new MetricsEncoder();
  const first = sharedLabelBatch(5, 1);
  const prepared = encoder.prepare(first);
  encoder.prepare(sharedLabelBatch(8, 2, 3).reverse());
  const text = decode(encoder.render(prepared, { timestamps: false, now: NOW }));
  assert.equal(text, encodeMetrics(first, { timestamps: false }));
});

Deno.test("MetricsEncoder: duplicates found across distinct but equal label objects; order natural", () => {
  const encoder = new MetricsEncoder();
  assert.throws(
    () =>
      encoder.prepare([
        metric("task_up", 1, { task_id: "a" }),
        metric("task_up", 1, { task_id: "b" }),
        metric("task_up", 1, { task_id: "a" }),
      ]),
    (e) =>
      e instanceof MetricEncodingError && e.message === 'metric "task_up": duplicate series {task_id="a"}',
  );
  const cpus = [10, 2, 1].map((cpu) => metric("platform_cpu_usage", cpu, { cpu: String(cpu) }));
  const text = decode(encoder.render(encoder.prepare(cpus), { timestamps: false, now: NOW }));
  assert.deepEqual(text.split("\n").filter((l) => !l.startsWith("#") && l), [
    'platform_cpu_usage{cpu="1"} 1',
    'platform_cpu_usage{cpu="2"} 2',
    'platform_cpu_usage{cpu="10"} 10',
  ]);
});

Deno.test("MetricsEncoder: blankLineAfter ends a non-empty batch with a blank line", () => {
  const encoder = new MetricsEncoder();
  const batch = encoder.prepare([metric("wca_tasks", 1)]);
  assert.equal(
    decode(encoder.render(batch, { timestamps: false, now: NOW, blankLineAfter: true })),
    [
      "# HELP wca_tasks Number of tasks the node reported in the last iteration.",
      "# TYPE wca_tasks gauge",
      "wca_tasks 1",
      "",
      "",
    ].join("\n"),
  );
  assert.equal(
    encoder.render(encoder.prepare([]), { timestamps: false, now: NOW, blankLineAfter: true }).length,
    0,
  );
});
