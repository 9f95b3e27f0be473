/**
 * Per-task metrics derived from two readings of summed counters (a pod's containers are summed before
 * any ratio is taken). Pure. Nothing on the first reading, and nothing whose denominator is zero.
 */

export interface CounterSnapshot {
  /** Seconds (any monotonic clock). */
  readonly time: number;
  readonly totals: ReadonlyMap<string, number>;
}

export const DERIVED_METRIC_NAMES = Object.freeze([
  "task_ipc",
  "task_ips",
  "task_cache_hit_ratio",
  "task_cache_misses_per_kilo_instructions",
]);

export function derivePerfMetrics(
  previous: CounterSnapshot | undefined,
  current: CounterSnapshot,
): Map<string, number> {
  const out = new Map<string, number>();
  if (!previous) return out;
  const seconds = current.time - previous.time;
  const delta = (name: string): number | undefined => {
    const now = current.totals.get(name);
    const before = previous.totals.get(name);
    if (now === undefined || before === undefined || now < before) return undefined;
    return now - before;
  };
  const instructions = delta("task_instructions");
  const cycles = delta("task_cycles");
  const misses = delta("task_cache_misses");
  const references = delta("task_cache_references");
  if (instructions !== undefined && cycles) out.set("task_ipc", instructions / cycles);
  if (instructions !== undefined && seconds > 0) out.set("task_ips", instructions / seconds);
  if (misses !== undefined && references) {
    out.set("task_cache_hit_ratio", Math.max(0, (references - misses) / references));
  }
  if (misses !== undefined && instructions) {
    out.set("task_cache_misses_per_kilo_instructions", misses / (instructions / 1000));
  }
  return out;
}
