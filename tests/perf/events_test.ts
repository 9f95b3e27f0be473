import assert from "node:assert/strict";
import { PERF_TYPE } from "../../ffi/mod.ts";
import { parseRawEventName, rawConfig, resolveEvents } from "../../src/perf/events.ts";

Deno.test("parseRawEventName: event select, unit mask, counter mask and config1", () => {
  const cases: [string, bigint, bigint][] = [
    ["some__r000000", 0n, 0n],
    ["some__r000001", 0x01000000n, 0n],
    ["some__r0000ff", 0xff000000n, 0n],
    ["some__r0302", 0x00000203n, 0n],
    ["some__r0302ff", 0xff000203n, 0n],
    ["some__rc000", 0x000000c0n, 0n],
    ["task_offcore__rb7010000000001", 0x01b7n, 0x0000000001n],
    ["x__rB701003FB80008FF", 0x01b7n, 0x3FB80008FFn],
  ];
  for (const [name, config, config1] of cases) {
    assert.deepEqual(parseRawEventName(name), { config, config1 }, name);
  }
  assert.equal(parseRawEventName("task_cycles"), undefined);
});

Deno.test("parseRawEventName: malformed names say what was expected", () => {
  assert.throws(() => parseRawEventName("some__r03"), /expected name__rEEUU.*got 2 hex digits/);
  assert.throws(() => parseRawEventName("some__r03020"), /got 5 hex digits/);
  assert.throws(() => parseRawEventName("some__r" + "0".repeat(23)), /got 23 hex digits/);
  assert.throws(() => parseRawEventName("__r0302"), /expected a name before __r/);
  assert.equal(parseRawEventName("some__r0302xx"), undefined, "not hex: not a raw name at all");
});

Deno.test("resolveEvents: predefined raw events take this CPU's code", () => {
  const skylake = resolveEvents(
    ["task_stalled_mem_loads", "task_offcore_requests_l3_miss_demand_data_rd"],
    "skylake",
  );
  assert.deepEqual(skylake.problems, []);
  assert.equal(skylake.events[0]!.attr.config, 0x140014A3n);
  assert.equal(skylake.events[0]!.attr.type, PERF_TYPE.RAW);
  assert.equal(
    skylake.events[1]!.attr.config,
    0x10B0n,
    "OFFCORE_REQUESTS.L3_MISS_DEMAND_DATA_RD is 0xB0/0x10",
  );
  const broadwell = resolveEvents(["task_stalled_mem_loads"], "broadwell");
  assert.equal(broadwell.events[0]!.attr.config, 0x060006A3n);
  const cascade = resolveEvents(["task_offcore_requests_outstanding_l3_miss_demand_data_rd"], "cascade_lake");
  assert.equal(cascade.events[0]!.attr.config, 0x1060n);
  assert.equal(rawConfig(0xA3, 0x14, 20), 0x140014A3n);
  // MEM_LOAD_L3_MISS_RETIRED.REMOTE_DRAM (0xD3/0x02); Broadwell's MEM_LOAD_UOPS_L3_MISS_RETIRED (0xD3/0x04).
  for (
    const [cpu, config] of [["skylake", 0x02D3n], ["cascade_lake", 0x02D3n], ["broadwell", 0x04D3n]] as const
  ) {
    const remote = resolveEvents(["task_mem_load_retired_remote_dram"], cpu);
    assert.deepEqual(remote.problems, [], cpu);
    assert.equal(remote.events[0]!.attr.config, config, cpu);
  }
});

Deno.test("resolveEvents: kinds, scales, duplicates, and what cannot be resolved", () => {
  const { events, problems } = resolveEvents([
    "task_instructions",
    "task_cache_misses",
    "task_task_clock_seconds",
    "task_instructions",
    "task_stalled_mem_loads",
    "task_mem_load_retired_local_pmm",
    "nonsense",
    "mine__r0302",
  ], "emerald_rapids");
  assert.deepEqual(events.map((e) => [e.name, e.kind]), [
    ["task_instructions", "fixed"],
    ["task_cache_misses", "programmable"],
    ["task_task_clock_seconds", "software"],
    ["mine__r0302", "programmable"],
  ]);
  assert.equal(events[2]!.scale, 1e-9, "task clock: nanoseconds to seconds");
  assert.equal(problems.length, 3);
  assert.match(
    problems[0]!,
    /^task_stalled_mem_loads: no event code for this CPU \(emerald_rapids\); defined for skylake, cascade_lake, broadwell/,
  );
  assert.match(problems[1]!, /^task_mem_load_retired_local_pmm: no event code .* defined for cascade_lake\./);
  assert.match(problems[2]!, /^nonsense: unknown event; known: task_instructions, .*name__rEEUU/);
});
