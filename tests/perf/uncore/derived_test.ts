/** Derived uncore metrics: rates per socket and PMU from two readings, and no value where there is no data. */
import assert from "node:assert/strict";
import {
  DERIVED_UNCORE_METRICS,
  type DerivedValue,
  deriveUncoreMetrics,
  type UncoreSnapshot,
} from "../../../src/perf/uncore/derived.ts";
import { METRIC_CATALOG } from "../../../src/metrics/catalog.ts";

/** A snapshot from { metric: { socket: { pmuType: count } } }. */
function snap(
  seconds: number,
  counts: Record<string, Record<number, Record<number, number>>>,
): UncoreSnapshot {
  return {
    seconds,
    counts: new Map(
      Object.entries(counts).map(([name, bySocket]) => [
        name,
        new Map(
          Object.entries(bySocket).map((
            [s, byPmu],
          ) => [Number(s), new Map(Object.entries(byPmu).map(([p, v]) => [Number(p), v]))]),
        ),
      ]),
    ),
  };
}

/** { pmuType: value } for `count` on channels 14 and 15 (IMC) or 20 and 21 (UPI). */
const imc = (a: number, b = a) => ({ 14: a, 15: b });
const upi = (a: number) => ({ 20: a, 21: a });

const at = (values: DerivedValue[], socket: number, pmuType?: number) =>
  Object.fromEntries(
    values.filter((v) => v.socket === socket && v.pmuType === pmuType).map((v) => [v.name, v.value]),
  );

const EVERYTHING = (k: number) => ({
  platform_cas_count_reads: { 0: imc(1000 * k, 10 * k), 1: imc(10 * k) },
  platform_cas_count_writes: { 0: imc(500 * k, 0), 1: imc(0) },
  platform_pmm_bandwidth_reads: { 0: imc(250 * k, 0), 1: imc(0) },
  platform_pmm_bandwidth_writes: { 0: imc(250 * k, 0), 1: imc(0) },
  platform_upi_rxl_flits: { 0: upi(900 * k), 1: upi(0) },
  platform_upi_txl_flits: { 0: upi(900 * k), 1: upi(0) },
  // 2 channels at 1.2 GHz for k × 2 s; reads waited 60 cycles each on average.
  platform_imc_clockticks: { 0: imc(1.2e9 * 2 * k), 1: imc(1.2e9 * 2 * k) },
  platform_rpq_inserts: { 0: imc(1e6 * k), 1: imc(0) },
  platform_rpq_occupancy: { 0: imc(60e6 * k), 1: imc(0) },
});

Deno.test("the formulas per socket and pmu_type: 64-byte lines, UPI 64/9 per flit, hit ratio; RPQ latency per socket", () => {
  const values = deriveUncoreMetrics(snap(10, EVERYTHING(1)), snap(12, EVERYTHING(2)));
  const ch14 = at(values, 0, 14);
  assert.equal(ch14.platform_dram_reads_bytes_per_second, 1000 * 64 / 2);
  assert.equal(ch14.platform_dram_writes_bytes_per_second, 500 * 64 / 2);
  assert.equal(ch14.platform_dram_total_bytes_per_second, 1500 * 64 / 2);
  assert.equal(ch14.platform_pmm_reads_bytes_per_second, 250 * 64 / 2);
  assert.equal(ch14.platform_pmm_writes_bytes_per_second, 250 * 64 / 2);
  assert.equal(ch14.platform_pmm_total_bytes_per_second, 500 * 64 / 2);
  assert.equal(ch14.platform_dram_hit_ratio, 1500 / 2000);
  const ch15 = at(values, 0, 15);
  assert.equal(ch15.platform_dram_reads_bytes_per_second, 10 * 64 / 2, "each channel its own series");
  assert.equal(ch15.platform_dram_hit_ratio, 1, "no PMM traffic on this channel: every byte from DRAM");
  const link = at(values, 0, 20);
  assert.ok(Math.abs(link.platform_upi_bandwidth_bytes_per_second! - 1800 / 2 / 9 * 64) < 1e-9);
  const s0 = at(values, 0);
  assert.deepEqual(Object.keys(s0), ["platform_rpq_read_latency_seconds"], "only latency is per socket");
  assert.ok(
    Math.abs(s0.platform_rpq_read_latency_seconds! - 60 / 1.2e9) < 1e-18,
    `${s0.platform_rpq_read_latency_seconds}`,
  );
  const names = new Set(values.filter((v) => v.socket === 0).map((v) => v.name));
  assert.deepEqual([...names].sort(), [...DERIVED_UNCORE_METRICS].sort(), "all nine for socket 0");

  assert.equal(at(values, 1, 20).platform_upi_bandwidth_bytes_per_second, 0);
  assert.equal(at(values, 1).platform_rpq_read_latency_seconds, undefined, "no reads inserted: no latency");
  const order = values.map((v) => v.socket);
  assert.deepEqual(order, [...order].sort(), "socket order");
});

Deno.test("none on the first reading, or without time between readings", () => {
  assert.deepEqual(deriveUncoreMetrics(undefined, snap(1, EVERYTHING(1))), []);
  assert.deepEqual(deriveUncoreMetrics(snap(5, EVERYTHING(1)), snap(5, EVERYTHING(2))), []);
  assert.deepEqual(deriveUncoreMetrics(snap(5, EVERYTHING(1)), snap(4, EVERYTHING(2))), []);
});

Deno.test("a counter that went backwards or a PMU missing from one reading gives no value for it", () => {
  const before = snap(0, {
    platform_cas_count_reads: { 0: { 14: 100 } },
    platform_cas_count_writes: { 0: { 14: 100, 15: 7 } },
  });
  const after = snap(1, {
    platform_cas_count_reads: { 0: { 14: 50 } },
    platform_cas_count_writes: { 0: { 15: 164 } },
  });
  assert.deepEqual(deriveUncoreMetrics(before, after), [
    { name: "platform_dram_writes_bytes_per_second", socket: 0, pmuType: 15, value: 157 * 64 },
  ]);
  const latency = (channels: number[]) =>
    Object.fromEntries(
      ["platform_imc_clockticks", "platform_rpq_inserts", "platform_rpq_occupancy"].map((n) => [
        n,
        { 0: Object.fromEntries(channels.map((c) => [c, 1000])) },
      ]),
    );
  assert.deepEqual(
    deriveUncoreMetrics(snap(0, latency([14, 15])), snap(1, latency([14]))),
    [],
    "a channel lost: no socket latency",
  );
});

Deno.test("only what the listed events allow; zero traffic divides nothing by zero", () => {
  const only = (k: number) =>
    snap(k, { platform_upi_rxl_flits: { 0: { 20: 9 * k } }, platform_cas_count_writes: { 0: { 14: k } } });
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
