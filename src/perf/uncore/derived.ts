/**
 * Platform bandwidth and latency derived from two readings of the uncore counters, per socket.
 * Pure: the source keeps the previous reading and passes both here.
 *
 * Rates follow the original WCA: a CAS command and a PMM read or write request move one 64-byte cache
 * line; a UPI data flit carries 64/9 bytes of payload (nine data flits per cache line), received and
 * transmitted added. The RPQ read latency is the average time a read spent in the read pending queue:
 * occupancy per insert, in IMC cycles, divided by the IMC clock rate (clockticks per channel per second).
 */

/** One counter summed over a socket's PMU instances, and how many instances were summed. */
export interface SocketCount {
  readonly sum: number;
  readonly pmus: number;
}

/** A reading of every counter: metric name → socket → count, taken at `seconds` (a monotonic clock). */
export interface UncoreSnapshot {
  readonly seconds: number;
  readonly counts: ReadonlyMap<string, ReadonlyMap<number, SocketCount>>;
}

export interface DerivedValue {
  readonly name: string;
  readonly socket: number;
  readonly value: number;
}

export const CACHE_LINE_BYTES = 64;
/** Bytes of payload per UPI data flit: a 64-byte line travels in nine flits. */
export const UPI_BYTES_PER_FLIT = 64 / 9;

/**
 * The derived metrics between `previous` and `current`: none without a previous reading, no time
 * between them, or for a counter that went backwards or changed its number of PMU instances; never
 * a division by zero.
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
    const delta = (name: string): number | undefined => {
      const now = current.counts.get(name)?.get(socket);
      const before = previous.counts.get(name)?.get(socket);
      if (now === undefined || before === undefined || now.pmus !== before.pmus) return undefined;
      const d = now.sum - before.sum;
      return d >= 0 ? d : undefined;
    };
    const emit = (name: string, value: number | undefined) => {
      if (value !== undefined && Number.isFinite(value)) out.push({ name, socket, value });
    };
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

    const occupancy = delta("platform_rpq_occupancy");
    const inserts = delta("platform_rpq_inserts");
    const clockticks = delta("platform_imc_clockticks");
    const channels = current.counts.get("platform_imc_clockticks")?.get(socket)?.pmus ?? 0;
    if (occupancy !== undefined && inserts && clockticks && channels > 0) {
      const hertz = clockticks / channels / elapsed;
      emit("platform_rpq_read_latency_seconds", occupancy / inserts / hertz);
    }
  }
  return out;
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
