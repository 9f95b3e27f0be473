/**
 * Platform bandwidth and latency derived from two readings of the uncore counters, per socket and PMU.
 * Pure: the source keeps the previous reading and passes both here.
 *
 * Rates follow the original WCA: a CAS command and a PMM read or write request move one 64-byte cache
 * line; a UPI data flit carries 64/9 bytes of payload (nine data flits per cache line), received and
 * transmitted added. The RPQ read latency is the average time a read spent in the read pending queue:
 * occupancy per insert, in IMC cycles, divided by the IMC clock rate (clockticks per channel per second).
 */

/** Counts of one reading: metric name → socket → PMU type (`pmu_type`) → count. */
export type UncoreCounts = ReadonlyMap<string, ReadonlyMap<number, ReadonlyMap<number, number>>>;

/** A reading of every counter, taken at `seconds` (a monotonic clock). */
export interface UncoreSnapshot {
  readonly seconds: number;
  readonly counts: UncoreCounts;
}

export interface DerivedValue {
  readonly name: string;
  readonly socket: number;
  /** The PMU instance (memory channel, UPI link) the value is for; absent for per-socket values. */
  readonly pmuType?: number;
  readonly value: number;
}

export const CACHE_LINE_BYTES = 64;
/** Bytes of payload per UPI data flit: a 64-byte line travels in nine flits. */
export const UPI_BYTES_PER_FLIT = 64 / 9;

/**
 * The derived metrics between `previous` and `current`, as WCA derived them: bandwidths and the DRAM
 * hit ratio per socket and PMU instance (pmu_type), the RPQ read latency per socket. None without a
 * previous reading or without time between them; none for a counter that went backwards or a PMU
 * instance missing from one reading; never a division by zero.
 */
export function deriveUncoreMetrics(
  previous: UncoreSnapshot | undefined,
  current: UncoreSnapshot,
): DerivedValue[] {
  if (previous === undefined) return [];
  const elapsed = current.seconds - previous.seconds;
  if (!(elapsed > 0)) return [];
  const sockets = new Set<number>();
  for (const bySocket of current.counts.values()) for (const socket of bySocket.keys()) sockets.add(socket);
  const out: DerivedValue[] = [];
  for (const socket of [...sockets].sort((a, b) => a - b)) {
    const pmuTypes = new Set<number>();
    for (const bySocket of current.counts.values()) {
      for (const pmuType of bySocket.get(socket)?.keys() ?? []) pmuTypes.add(pmuType);
    }
    for (const pmuType of [...pmuTypes].sort((a, b) => a - b)) {
      derivePerPmu(
        (name) => delta(previous.counts, current.counts, name, socket, pmuType),
        elapsed,
        (name, value) => {
          if (value !== undefined && Number.isFinite(value)) out.push({ name, socket, pmuType, value });
        },
      );
    }
    const latency = rpqReadLatency(previous.counts, current.counts, socket, elapsed);
    if (latency !== undefined && Number.isFinite(latency)) {
      out.push({ name: "platform_rpq_read_latency_seconds", socket, value: latency });
    }
  }
  return out;
}

function delta(
  before: UncoreCounts,
  now: UncoreCounts,
  name: string,
  socket: number,
  pmuType: number,
): number | undefined {
  const a = before.get(name)?.get(socket)?.get(pmuType);
  const b = now.get(name)?.get(socket)?.get(pmuType);
  if (a === undefined || b === undefined) return undefined;
  return b - a >= 0 ? b - a : undefined;
}

/** DRAM and PMM bandwidth, the DRAM hit ratio and UPI bandwidth of one PMU instance. */
function derivePerPmu(
  delta: (name: string) => number | undefined,
  elapsed: number,
  emit: (name: string, value: number | undefined) => void,
): void {
  const rate = (count: number | undefined, bytes: number) =>
    count === undefined ? undefined : count * bytes / elapsed;
  /** Reads, writes and their total in bytes per second; returns the total. */
  const bandwidth = (kind: "dram" | "pmm", reads: string, writes: string) => {
    const r = rate(delta(reads), CACHE_LINE_BYTES);
    const w = rate(delta(writes), CACHE_LINE_BYTES);
    const total = sum(r, w);
    emit(`platform_${kind}_reads_bytes_per_second`, r);
    emit(`platform_${kind}_writes_bytes_per_second`, w);
    emit(`platform_${kind}_total_bytes_per_second`, total);
    return total;
  };
  const dramTotal = bandwidth("dram", "platform_cas_count_reads", "platform_cas_count_writes");
  const pmmTotal = bandwidth("pmm", "platform_pmm_bandwidth_reads", "platform_pmm_bandwidth_writes");
  if (dramTotal !== undefined && pmmTotal !== undefined && dramTotal + pmmTotal > 0) {
    emit("platform_dram_hit_ratio", dramTotal / (dramTotal + pmmTotal));
  }
  const rx = delta("platform_upi_rxl_flits");
  const tx = delta("platform_upi_txl_flits");
  if (rx !== undefined && tx !== undefined) {
    emit("platform_upi_bandwidth_bytes_per_second", rate(rx + tx, UPI_BYTES_PER_FLIT));
  }
}

/**
 * Occupancy per insert over the socket's channels, in IMC cycles, divided by the IMC clock rate
 * (clockticks per channel per second). Only when every channel has all three counters in both readings.
 */
function rpqReadLatency(
  before: UncoreCounts,
  now: UncoreCounts,
  socket: number,
  elapsed: number,
): number | undefined {
  const names = ["platform_rpq_occupancy", "platform_rpq_inserts", "platform_imc_clockticks"] as const;
  const channels = [...(now.get("platform_imc_clockticks")?.get(socket)?.keys() ?? [])];
  const previousChannels = before.get("platform_imc_clockticks")?.get(socket)?.size ?? 0;
  if (channels.length === 0 || channels.length !== previousChannels) return undefined;
  const totals = [0, 0, 0];
  for (const channel of channels) {
    for (let i = 0; i < names.length; i++) {
      const d = delta(before, now, names[i]!, socket, channel);
      if (d === undefined) return undefined;
      totals[i]! += d;
    }
  }
  const [occupancy, inserts, clockticks] = totals as [number, number, number];
  if (!inserts || !clockticks) return undefined;
  const hertz = clockticks / channels.length / elapsed;
  return occupancy / inserts / hertz;
}

function sum(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : a + b;
}

/** The names deriveUncoreMetrics can produce, for the catalog and docs. */
export const DERIVED_UNCORE_METRICS = Object.freeze([
  "platform_dram_reads_bytes_per_second",
  "platform_dram_writes_bytes_per_second",
  "platform_dram_total_bytes_per_second",
  "platform_pmm_reads_bytes_per_second",
  "platform_pmm_writes_bytes_per_second",
  "platform_pmm_total_bytes_per_second",
  "platform_dram_hit_ratio",
  "platform_upi_bandwidth_bytes_per_second",
  "platform_rpq_read_latency_seconds",
]);
