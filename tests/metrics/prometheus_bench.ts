/** Encoder throughput on one iteration of a busy host: 100k samples. */
import { encodeMetrics } from "../../src/metrics/prometheus.ts";
import { realisticBatch } from "./sample_batch.ts";

// 250 tasks x 96 CPUs: ~100k samples, mostly per-CPU perf counters with task labels.
const batch = realisticBatch({ tasks: 250, cpus: 96, numaNodes: 2 });
const NOW = 1575625088768;

Deno.bench(`encodeMetrics: ${batch.length} samples, no timestamps`, () => {
  encodeMetrics(batch, { timestamps: false });
});

Deno.bench(`encodeMetrics: ${batch.length} samples, with timestamps`, () => {
  encodeMetrics(batch, { timestamps: true, now: NOW });
});

const shuffled = [...batch].sort(() => 0.5 - Math.random());
Deno.bench(`encodeMetrics: ${batch.length} samples in random order`, () => {
  encodeMetrics(shuffled, { timestamps: false });
});
