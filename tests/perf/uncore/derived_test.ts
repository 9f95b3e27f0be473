/** Derived uncore metrics: rates from two readings per socket, and no value where there is no data. */
import assert from "node:assert/strict";
import {
  DERIVED_UNCORE_METRICS,
  deriveUncoreMetrics,
  type UncoreSnapshot,
} from "../../../src/perf/uncore/derived.ts";
import { METRIC_CATALOG } from "../../../src/metrics/catalog.ts";

/** A snapshot from { metric: { socket: [sum, pmus] } }. */
function snap(seconds: number, counts: Record<string, Record<number, [number, number]>>): UncoreSnapshot {
  return {
    seconds,
    counts: new Map(
      Object.entries(counts).map(([name, bySocket]) => [
        name,
        new Map(Object.entries(bySocket).map(([s, [sum, pmus]]) => [Number(s), { sum, pmus }])),
      ]),
    ),
  };
}

const byName = (values: ReturnType<typeof deriveUncoreMetrics>, socket: number) =>
  Object.fromEntries(values.filter((v) => v.socket === socket).map((v) => [v.name, v.value]));

const EVERYTHING = (k: number) => ({
  platform_cas_count_reads: { 0: [1000 * k, 6], 1: [10 * k, 6] },
  platform_cas_count_writes: { 0: [500 * k, 6], 1: [0, 6] },
  platform_pmm_bandwidth_reads: { 0: [250 * k, 6], 1: [0, 6] },
  platform_pmm_bandwidth_writes: { 0: [250 * k, 6], 1: [0, 6] },
  platform_upi_rxl_flits: { 0: [900 * k, 3], 1: [0, 3] },
  platform_upi_txl_flits: { 0: [900 * k, 3], 1: [0, 3] },
  // 6 channels at 1.2 GHz for k × 2 s; reads waited 60 cycles each on average.
  platform_imc_clockticks: { 0: [6 * 1.2e9 * 2 * k, 6], 1: [6 * 1.2e9 * 2 * k, 6] },
  platform_rpq_inserts: { 0: [1e6 * k, 6], 1: [0, 6] },
  platform_rpq_occupancy: { 0: [60e6 * k, 6], 1: [0, 6] },
} as Record<string, Record<number, [number, number]>>);

Deno.test("the formulas: bytes per second from 64-byte lines, UPI 64/9 per flit, hit ratio, RPQ latency", () => {
  const values = deriveUncoreMetrics(snap(10, EVERYTHING(1)), snap(12, EVERYTHING(2)));
  const s0 = byName(values, 0);
  assert.equal(s0.platform_dram_reads_bytes_per_second, 1000 * 64 / 2);
  assert.equal(s0.platform_dram_writes_bytes_per_second, 500 * 64 / 2);
  assert.equal(s0.platform_dram_total_bytes_per_second, 1500 * 64 / 2);
  assert.equal(s0.platform_pmm_reads_bytes_per_second, 250 * 64 / 2);
  assert.equal(s0.platform_pmm_writes_bytes_per_second, 250 * 64 / 2);
  assert.equal(s0.platform_pmm_total_bytes_per_second, 500 * 64 / 2);
  assert.equal(s0.platform_dram_hit_ratio, 1500 / 2000);
  assert.ok(Math.abs(s0.platform_upi_bandwidth_bytes_per_second! - 1800 / 2 / 9 * 64) < 1e-9);
  assert.ok(
    Math.abs(s0.platform_rpq_read_latency_seconds! - 60 / 1.2e9) < 1e-18,
    `${s0.platform_rpq_read_latency_seconds}`,
  );
  assert.deepEqual(Object.keys(s0).sort(), [...DERIVED_UNCORE_METRICS].sort(), "all nine for socket 0");

  const s1 = byName(values, 1);
  assert.equal(s1.platform_dram_reads_bytes_per_second, 10 * 64 / 2);
  assert.equal(s1.platform_dram_hit_ratio, 1, "no PMM traffic: every byte from DRAM");
  assert.equal(s1.platform_upi_bandwidth_bytes_per_second, 0);
  assert.equal(s1.platform_rpq_read_latency_seconds, undefined, "no reads inserted: no latency");
  assert.deepEqual(values.map((v) => v.socket), [...values.map((v) => v.socket)].sort(), "socket order");
});

Deno.test("none on the first reading, or without time between readings", () => {
  assert.deepEqual(deriveUncoreMetrics(undefined, snap(1, EVERYTHING(1))), []);
  assert.deepEqual(deriveUncoreMetrics(snap(5, EVERYTHING(1)), snap(5, EVERYTHING(2))), []);
  assert.deepEqual(deriveUncoreMetrics(snap(5, EVERYTHING(1)), snap(4, EVERYTHING(2))), []);
});

Deno.test("a counter that went backwards or lost a PMU instance gives no value for that interval", () => {
  const before = snap(0, {
    platform_cas_count_reads: { 0: [100, 6] },
    platform_cas_count_writes: { 0: [100, 6] },
  });
  const after = snap(1, {
    platform_cas_count_reads: { 0: [50, 6] },
    platform_cas_count_writes: { 0: [164, 5] },
  });
  assert.deepEqual(deriveUncoreMetrics(before, after), []);
  const fine = snap(1, {
    platform_cas_count_reads: { 0: [101, 6] },
    platform_cas_count_writes: { 0: [100, 5] },
  });
  assert.deepEqual(deriveUncoreMetrics(before, fine), [
    { name: "platform_dram_reads_bytes_per_second", socket: 0, value: 64 },
  ]);
});

Deno.test("only what the listed events allow; zero traffic divides nothing by zero", () => {
  const only = (k: number) =>
    snap(k, { platform_upi_rxl_flits: { 0: [9 * k, 3] }, platform_cas_count_writes: { 0: [k, 6] } });
  assert.deepEqual(deriveUncoreMetrics(only(1), only(2)).map((v) => v.name), [
    "platform_dram_writes_bytes_per_second",
  ], "UPI bandwidth needs received and transmitted flits");
  const idle = (k: number) => snap(k, EVERYTHING(0));
  const values = deriveUncoreMetrics(idle(1), idle(2));
  for (const v of values) assert.ok(Number.isFinite(v.value), `${v.name} ${v.value}`);
  const names = new Set(values.map((v) => v.name));
  assert.ok(!names.has("platform_dram_hit_ratio"), "no traffic at all: no ratio");
  assert.ok(!names.has("platform_rpq_read_latency_seconds"), "no clockticks and no inserts: no latency");
  assert.ok(names.has("platform_dram_total_bytes_per_second"), "zero bandwidth is a value");
});

Deno.test("every derived name is a catalog gauge", () => {
  for (const name of DERIVED_UNCORE_METRICS) assert.equal(METRIC_CATALOG[name]?.type, "gauge", name);
});
