/**
 * Event names as MeasurementRunner's event_names spells them, resolved to perf_event_attr values:
 * generic hardware events, software events (any machine), predefined raw events per microarchitecture,
 * and raw events written `name__rEEUU[CC[config1]]`. Pure.
 */
import { PERF_COUNT_HW, PERF_COUNT_SW, PERF_TYPE } from "../../ffi/mod.ts";
import type { CpuCodename } from "./cpu_model.ts";
import type { GroupEvent } from "./group.ts";

/** fixed: Intel fixed counters; programmable: general counters; software: kernel-counted, unlimited. */
export type CounterKind = "fixed" | "programmable" | "software";

export interface PerfEvent extends GroupEvent {
  readonly kind: CounterKind;
  /** Multiplies the count into the metric's unit (task clock: nanoseconds to seconds). */
  readonly scale: number;
}

const hardware = (config: number, kind: CounterKind = "programmable") => ({
  type: PERF_TYPE.HARDWARE,
  config,
  kind,
});

const GENERIC: Readonly<Record<string, { type: number; config: number; kind: CounterKind; scale?: number }>> =
  {
    task_instructions: hardware(PERF_COUNT_HW.INSTRUCTIONS, "fixed"),
    task_cycles: hardware(PERF_COUNT_HW.CPU_CYCLES, "fixed"),
    task_cache_misses: hardware(PERF_COUNT_HW.CACHE_MISSES),
    task_cache_references: hardware(PERF_COUNT_HW.CACHE_REFERENCES),
    task_task_clock_seconds: {
      type: PERF_TYPE.SOFTWARE,
      config: PERF_COUNT_SW.TASK_CLOCK,
      kind: "software",
      scale: 1e-9,
    },
    task_context_switches: {
      type: PERF_TYPE.SOFTWARE,
      config: PERF_COUNT_SW.CONTEXT_SWITCHES,
      kind: "software",
    },
    task_cpu_migrations: { type: PERF_TYPE.SOFTWARE, config: PERF_COUNT_SW.CPU_MIGRATIONS, kind: "software" },
    task_page_faults: { type: PERF_TYPE.SOFTWARE, config: PERF_COUNT_SW.PAGE_FAULTS, kind: "software" },
    task_minor_page_faults: {
      type: PERF_TYPE.SOFTWARE,
      config: PERF_COUNT_SW.PAGE_FAULTS_MIN,
      kind: "software",
    },
    task_major_page_faults: {
      type: PERF_TYPE.SOFTWARE,
      config: PERF_COUNT_SW.PAGE_FAULTS_MAJ,
      kind: "software",
    },
  };

/** [event select, unit mask, counter mask] per microarchitecture, from Intel's SDM volume 3B ch. 19. */
type RawCode = readonly [event: number, umask: number, cmask: number];

const SKX_CLX = (code: RawCode) => ({ skylake: code, cascade_lake: code });

export const PREDEFINED_RAW_EVENTS: Readonly<Record<string, Partial<Record<CpuCodename, RawCode>>>> = {
  // CYCLE_ACTIVITY.STALLS_MEM_ANY
  task_stalled_mem_loads: { ...SKX_CLX([0xA3, 0x14, 20]), broadwell: [0xA3, 0x06, 6] },
  // OFFCORE_REQUESTS.L3_MISS_DEMAND_DATA_RD (the seeds' agent swapped this and the next on Skylake).
  task_offcore_requests_l3_miss_demand_data_rd: SKX_CLX([0xB0, 0x10, 0]),
  // OFFCORE_REQUESTS_OUTSTANDING.L3_MISS_DEMAND_DATA_RD
  task_offcore_requests_outstanding_l3_miss_demand_data_rd: SKX_CLX([0x60, 0x10, 0]),
  // OFFCORE_REQUESTS.DEMAND_DATA_RD and .DEMAND_RFO
  task_offcore_requests_demand_data_rd: { ...SKX_CLX([0xB0, 0x01, 0]), broadwell: [0xB0, 0x01, 0] },
  task_offcore_requests_demand_rfo: { ...SKX_CLX([0xB0, 0x04, 0]), broadwell: [0xB0, 0x04, 0] },
  // MEM_LOAD_RETIRED.LOCAL_PMM: Optane persistent memory arrived with Cascade Lake (the seeds' agent
  // also listed Skylake, which has no such memory).
  task_mem_load_retired_local_pmm: { cascade_lake: [0xD1, 0x80, 0] },
  // MEM_LOAD_L3_MISS_RETIRED.LOCAL_DRAM
  task_mem_load_retired_local_dram: SKX_CLX([0xD3, 0x01, 0]),
  // MEM_LOAD_L3_MISS_RETIRED.REMOTE_DRAM; Broadwell: MEM_LOAD_UOPS_L3_MISS_RETIRED.REMOTE_DRAM
  task_mem_load_retired_remote_dram: { ...SKX_CLX([0xD3, 0x02, 0]), broadwell: [0xD3, 0x04, 0] },
  // MEM_INST_RETIRED.ALL_LOADS and .ALL_STORES
  task_mem_inst_retired_loads: SKX_CLX([0xD0, 0x81, 0]),
  task_mem_inst_retired_stores: SKX_CLX([0xD0, 0x82, 0]),
  // DTLB_LOAD_MISSES.WALK_COMPLETED
  task_dtlb_load_misses: SKX_CLX([0x08, 0x0E, 0]),
};

/** Intel's IA32_PERFEVTSELx layout: event select bits 0–7, unit mask 8–15, counter mask 24–31. */
export function rawConfig(event: number, umask: number, cmask: number): bigint {
  return BigInt(event) | (BigInt(umask) << 8n) | (BigInt(cmask) << 24n);
}

const RAW = /^(.*)__r([0-9a-fA-F]*)$/;

/**
 * `name__rEEUU`, `name__rEEUUCC` or `name__rEEUUCC<config1>`: event select EE, unit mask UU, counter
 * mask CC and an offcore-response value of up to 16 hex digits, all hex. Returns undefined for names
 * without `__r`; throws with what was expected for a malformed one.
 */
export function parseRawEventName(name: string): { config: bigint; config1: bigint } | undefined {
  const match = RAW.exec(name);
  if (!match) return undefined;
  const digits = match[2]!;
  if (digits.length !== 4 && (digits.length < 6 || digits.length > 22)) {
    throw new Error(
      `raw event ${name}: expected name__rEEUU, name__rEEUUCC or name__rEEUUCC followed by up to 16 hex digits ` +
        `of config1 (EE event select, UU unit mask, CC counter mask, all hex); got ${digits.length} hex digits`,
    );
  }
  if (match[1] === "") throw new Error(`raw event ${name}: expected a name before __r`);
  const byte = (at: number) => parseInt(digits.slice(at, at + 2), 16);
  const cmask = digits.length >= 6 ? byte(4) : 0;
  const config1 = digits.length > 6 ? BigInt(`0x${digits.slice(6)}`) : 0n;
  return { config: rawConfig(byte(0), byte(2), cmask), config1 };
}

/** Every event name wca knows without a raw code: for error messages and docs. */
export function knownEventNames(): string[] {
  return [...Object.keys(GENERIC), ...Object.keys(PREDEFINED_RAW_EVENTS)];
}

export interface ResolvedEvents {
  readonly events: readonly PerfEvent[];
  /** One line per name left out, saying why. */
  readonly problems: readonly string[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * Resolves event names for a microarchitecture. Unknown names, malformed raw names and predefined
 * events without a code for this CPU become problems; duplicates are dropped silently.
 */
export function resolveEvents(names: readonly string[], cpu: CpuCodename): ResolvedEvents {
  const events: PerfEvent[] = [];
  const problems: string[] = [];
  for (const name of new Set(names)) {
    try {
      const event = resolveEvent(name, cpu);
      if (event) events.push(event);
      else {problems.push(
          `${name}: unknown event; known: ${knownEventNames().join(", ")}, or a raw event name__rEEUU`,
        );}
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return { events, problems };
}

function resolveEvent(name: string, cpu: CpuCodename): PerfEvent | undefined {
  const generic = Object.hasOwn(GENERIC, name) ? GENERIC[name] : undefined;
  if (generic) {
    const attr = { type: generic.type, config: BigInt(generic.config) };
    return { name, attr, kind: generic.kind, scale: generic.scale ?? 1 };
  }
  const predefined = Object.hasOwn(PREDEFINED_RAW_EVENTS, name) ? PREDEFINED_RAW_EVENTS[name] : undefined;
  if (predefined) {
    const code = predefined[cpu];
    if (!code) {
      const cpus = Object.keys(predefined).join(", ");
      throw new Error(
        `${name}: no event code for this CPU (${cpu}); defined for ${cpus}. A raw event name__rEEUU can count it`,
      );
    }
    return {
      name,
      attr: { type: PERF_TYPE.RAW, config: rawConfig(...code) },
      kind: "programmable",
      scale: 1,
    };
  }
  const raw = parseRawEventName(name);
  if (!raw) return undefined;
  if (!METRIC_NAME.test(name)) {
    throw new Error(`raw event ${name}: the name must be a valid Prometheus metric name`);
  }
  return { name, attr: { type: PERF_TYPE.RAW, ...raw }, kind: "programmable", scale: 1 };
}
