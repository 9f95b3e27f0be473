import assert from "node:assert/strict";
import { canonicalEventName, canonicalEventNames, WCA1_EVENT_ALIASES } from "../../src/perf/event_aliases.ts";
import { knownEventNames } from "../../src/perf/events.ts";

Deno.test("WCA 1.0 event names map to task_* events wca knows", () => {
  const table: Array<[string, string]> = [
    ["instructions", "task_instructions"],
    ["cycles", "task_cycles"],
    ["cache_misses", "task_cache_misses"],
    ["cache_references", "task_cache_references"],
    ["stalls_mem_load", "task_stalled_mem_loads"],
    ["memstalls", "task_stalled_mem_loads"],
    ["task_cycles", "task_cycles"],
    ["task_context_switches", "task_context_switches"],
    ["my_event__r0101", "my_event__r0101"],
    ["Cycles", "Cycles"], // names are case-sensitive, as in WCA
    ["constructor", "constructor"], // not an inherited property
    ["", ""],
  ];
  for (const [name, expected] of table) assert.equal(canonicalEventName(name), expected, name);
  const known = new Set(knownEventNames());
  for (const target of Object.values(WCA1_EVENT_ALIASES)) assert.ok(known.has(target), target);
});

Deno.test("canonicalEventNames keeps the first place of each event and drops the repeats aliases make", () => {
  assert.deepEqual(
    canonicalEventNames(["cycles", "task_instructions", "task_cycles", "instructions", "memstalls"]),
    [
      "task_cycles",
      "task_instructions",
      "task_stalled_mem_loads",
    ],
  );
  assert.deepEqual(canonicalEventNames([]), []);
});
