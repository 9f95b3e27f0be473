/** Catalog entries of the uncore PMU counters and the platform bandwidth derived from them. */
import { type Catalog, entry } from "./catalog_entry.ts";

const UNCORE = "perf uncore PMUs (uncore_event_names)";
const DERIVED = "derived from perf uncore PMUs (uncore_event_names and enable_derived_metrics)";

/** A raw uncore counter: per socket and PMU instance (pmu_type is the PMU's perf type number). */
const raw = (what: string) =>
  entry(
    "counter",
    "numeric",
    UNCORE,
    `${what} Labelled by socket and pmu_type (one IMC channel, UPI link…).`,
  );

export const UNCORE_CATALOG: Catalog = Object.freeze({
  platform_cas_count_reads: raw(
    "DRAM read CAS commands counted by an integrated memory controller channel (event 0x04, umask 0x03); " +
      "each moves 64 bytes.",
  ),
  platform_cas_count_writes: raw(
    "DRAM write CAS commands counted by an integrated memory controller channel (event 0x04, umask 0x0c); " +
      "each moves 64 bytes.",
  ),
  platform_pmm_bandwidth_reads: raw(
    "Read requests to persistent memory (Intel Optane DC) inserted by a memory controller channel " +
      "(event 0xe3); each moves 64 bytes.",
  ),
  platform_pmm_bandwidth_writes: raw(
    "Write requests to persistent memory (Intel Optane DC) inserted by a memory controller channel " +
      "(event 0xe7); each moves 64 bytes.",
  ),
  platform_rpq_occupancy: raw(
    "Read pending queue occupancy of a memory controller channel, accumulated every memory clock cycle " +
      "(event 0x80).",
  ),
  platform_rpq_inserts: raw(
    "Reads inserted into a memory controller channel's read pending queue (event 0x10).",
  ),
  platform_imc_clockticks: raw("Memory controller clock cycles of a channel (event 0x00)."),
  platform_upi_rxl_flits: raw("Data flits received on a UPI link (event 0x03, umask 0x0f)."),
  platform_upi_txl_flits: raw("Data flits transmitted on a UPI link (event 0x02, umask 0x0f)."),

  platform_scaling_uncore_factor: entry(
    "gauge",
    "numeric",
    "perf uncore PMUs (time_enabled / time_running)",
    "Multiplexing scaling factor of one uncore PMU's counters, labelled by socket and pmu_type; 1 means " +
      "counted all the time.",
  ),

  platform_dram_reads_bytes_per_second: entry(
    "gauge",
    "bytes_per_second",
    DERIVED,
    "DRAM read bandwidth of a socket's memory channel (pmu_type) over the last interval: platform_cas_count_reads delta × 64 / seconds.",
  ),
  platform_dram_writes_bytes_per_second: entry(
    "gauge",
    "bytes_per_second",
    DERIVED,
    "DRAM write bandwidth of a socket's memory channel (pmu_type) over the last interval: platform_cas_count_writes delta × 64 / seconds.",
  ),
  platform_dram_total_bytes_per_second: entry(
    "gauge",
    "bytes_per_second",
    DERIVED,
    "DRAM read plus write bandwidth of a socket's memory channel (pmu_type) over the last interval.",
  ),
  platform_pmm_reads_bytes_per_second: entry(
    "gauge",
    "bytes_per_second",
    DERIVED,
    "Persistent memory read bandwidth of a socket's memory channel (pmu_type): platform_pmm_bandwidth_reads delta × 64 / seconds.",
  ),
  platform_pmm_writes_bytes_per_second: entry(
    "gauge",
    "bytes_per_second",
    DERIVED,
    "Persistent memory write bandwidth of a socket's memory channel (pmu_type): platform_pmm_bandwidth_writes delta × 64 / seconds.",
  ),
  platform_pmm_total_bytes_per_second: entry(
    "gauge",
    "bytes_per_second",
    DERIVED,
    "Persistent memory read plus write bandwidth of a socket's memory channel (pmu_type) over the last interval.",
  ),
  platform_dram_hit_ratio: entry(
    "gauge",
    "numeric",
    DERIVED,
    "Share of a memory channel's (socket, pmu_type) traffic served by DRAM: DRAM bytes / (DRAM + persistent memory bytes).",
  ),
  platform_upi_bandwidth_bytes_per_second: entry(
    "gauge",
    "bytes_per_second",
    DERIVED,
    "UPI data bandwidth of a socket's UPI link (pmu_type), received plus transmitted: data flits delta × 64 / 9 / seconds.",
  ),
  platform_rpq_read_latency_seconds: entry(
    "gauge",
    "seconds",
    DERIVED,
    "Average time a read spent in a socket's memory read pending queue over the last interval: " +
      "RPQ occupancy / inserts, in memory clock cycles, divided by the clock rate per channel.",
  ),
});
