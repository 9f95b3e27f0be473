/**
 * WCA 1.0's event names, still found in its users' configs, and the event each means today. The metric
 * is named after the event it resolves to (`cycles` yields `task_cycles`). Pure.
 */
export const WCA1_EVENT_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  instructions: "task_instructions",
  cycles: "task_cycles",
  cache_misses: "task_cache_misses",
  cache_references: "task_cache_references",
  // WCA 1.0 counted CYCLE_ACTIVITY.STALLS_MEM_ANY under both names.
  stalls_mem_load: "task_stalled_mem_loads",
  memstalls: "task_stalled_mem_loads",
});

/** The event a configured name means: the task_* name for a WCA 1.0 alias, else the name itself. */
export function canonicalEventName(name: string): string {
  return Object.hasOwn(WCA1_EVENT_ALIASES, name) ? WCA1_EVENT_ALIASES[name]! : name;
}

/** Replaces aliases and drops the repeats that creates (`cycles` beside `task_cycles`), keeping order. */
export function canonicalEventNames(names: readonly string[]): string[] {
  return [...new Set(names.map(canonicalEventName))];
}
