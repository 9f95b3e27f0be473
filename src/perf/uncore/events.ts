/**
 * The uncore events of `uncore_event_names`: predefined names (the original WCA's IMC and UPI events,
 * Skylake-SP / Cascade Lake encodings) and custom events written `name/pmu/event=0x..,umask=0x../`,
 * plus their perf_event_attr for one PMU instance, fields placed where its `format/` files say.
 */
import type { PerfEventAttr } from "../../../ffi/mod.ts";
import type { ConfigWord, FormatField, UncorePmu } from "./discovery.ts";

export interface UncoreEvent {
  /** The metric name its counts are reported as. */
  readonly name: string;
  /** The PMU family it is opened on: "imc" opens it on every uncore_imc_* instance. */
  readonly family: string;
  /** `event` and `umask` field values, placed through the PMU's format files. */
  readonly event?: bigint;
  readonly umask?: bigint;
  /** Raw perf_event_attr.config / config1 values, used as they are. */
  readonly config?: bigint;
  readonly config1?: bigint;
  readonly predefined: boolean;
  /** The configuration text, for messages. */
  readonly text: string;
}

/** A configured uncore event that cannot be understood or encoded. */
export class UncoreEventError extends Error {
  override readonly name = "UncoreEventError";
}

const predefined = (name: string, family: string, event: number, umask = 0): UncoreEvent =>
  Object.freeze({ name, family, event: BigInt(event), umask: BigInt(umask), predefined: true, text: name });

/**
 * The predefined events, with the original WCA's names and encodings (Intel Xeon Scalable uncore
 * manual: UNC_M_CAS_COUNT.RD/WR, UNC_M_PMM_RPQ_INSERTS/WPQ_INSERTS, UNC_M_RPQ_OCCUPANCY/INSERTS,
 * UNC_M_CLOCKTICKS, UNC_UPI_RxL_FLITS/TxL_FLITS.ALL_DATA).
 */
export const PREDEFINED_UNCORE_EVENTS: ReadonlyMap<string, UncoreEvent> = new Map(
  [
    predefined("platform_cas_count_reads", "imc", 0x04, 0x03),
    predefined("platform_cas_count_writes", "imc", 0x04, 0x0c),
    predefined("platform_pmm_bandwidth_reads", "imc", 0xe3),
    predefined("platform_pmm_bandwidth_writes", "imc", 0xe7),
    predefined("platform_rpq_occupancy", "imc", 0x80),
    predefined("platform_rpq_inserts", "imc", 0x10),
    predefined("platform_imc_clockticks", "imc", 0x00),
    predefined("platform_upi_rxl_flits", "upi", 0x03, 0x0f),
    predefined("platform_upi_txl_flits", "upi", 0x02, 0x0f),
  ].map((e) => [e.name, e]),
);

/** Where `event` and `umask` go when a PMU has no format files: Intel's layout for uncore PMUs. */
export const DEFAULT_FORMAT: ReadonlyMap<string, FormatField> = new Map([
  ["event", Object.freeze({ word: "config" as const, bits: Object.freeze([0, 1, 2, 3, 4, 5, 6, 7]) })],
  ["umask", Object.freeze({ word: "config" as const, bits: Object.freeze([8, 9, 10, 11, 12, 13, 14, 15]) })],
]);

const SYNTAX = 'name/pmu/event=0x..,umask=0x../, e.g. "my_cas_reads/uncore_imc/event=0x04,umask=0x03/"';
const NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const PMU = /^uncore_([a-z][a-z0-9_]*?)(_\d+)?$/;
const KEYS = ["event", "umask", "config", "config1"] as const;
type Key = typeof KEYS[number];
const U64_MAX = (1n << 64n) - 1n;

/**
 * A value of a custom event: hexadecimal with 0x, or a single decimal digit. Longer values without 0x
 * are refused: the original WCA read them as hexadecimal, perf reads them as decimal.
 */
function parseValue(text: string, key: string, event: string): bigint {
  const fail = (why: string): never => {
    throw new UncoreEventError(`uncore event ${JSON.stringify(event)}: ${key}=${text} ${why}`);
  };
  let value: bigint;
  if (/^0x[0-9a-fA-F]+$/.test(text)) value = BigInt(text);
  else if (/^[0-9]$/.test(text)) value = BigInt(text);
  else if (/^[0-9a-fA-F]+$/.test(text)) {
    const decimal = /^\d+$/.test(text) ? ` or ${key}=0x${BigInt(text).toString(16)} for decimal ${text}` : "";
    return fail(
      "is ambiguous (the original WCA read such values as hexadecimal, perf reads them as decimal): " +
        `write ${key}=0x${text.toLowerCase()} for hexadecimal${decimal}`,
    );
  } else return fail("is not a number; expected hexadecimal such as 0x1f");
  if (value > U64_MAX) fail("does not fit in 64 bits");
  return value;
}

/** One entry of uncore_event_names: a predefined name or a custom `name/pmu/terms/` event. */
export function parseUncoreEvent(text: string): UncoreEvent {
  const known = PREDEFINED_UNCORE_EVENTS.get(text);
  if (known) return known;
  const fail = (why: string): never => {
    throw new UncoreEventError(`uncore event ${JSON.stringify(text)}: ${why}`);
  };
  if (!text.includes("/")) {
    fail(
      `is neither a predefined event (${[...PREDEFINED_UNCORE_EVENTS.keys()].join(", ")}) ` +
        `nor a custom event written ${SYNTAX}`,
    );
  }
  const parts = text.split("/");
  if (parts.at(-1) === "") parts.pop();
  if (parts.length !== 3) fail(`expected three parts separated by "/": ${SYNTAX}`);
  const [name, pmu, terms] = parts as [string, string, string];
  if (!NAME.test(name)) fail(`the metric name ${JSON.stringify(name)} must be letters, digits and _`);
  if (PREDEFINED_UNCORE_EVENTS.has(name)) {
    fail(`${name} is a predefined event; list it alone or give the custom event another name`);
  }
  const pmuMatch = PMU.exec(pmu);
  if (pmuMatch === null) fail(`the PMU ${JSON.stringify(pmu)} must be a family such as uncore_imc`);
  if (pmuMatch![2] !== undefined) {
    fail(`name the PMU family uncore_${pmuMatch![1]} (every instance is opened), not the instance ${pmu}`);
  }
  const values: Partial<Record<Key, bigint>> = {};
  for (const term of terms.split(",")) {
    const [key, value, ...rest] = term.split("=");
    if (!(KEYS as readonly string[]).includes(key!) || value === undefined || rest.length > 0) {
      fail(`the term ${JSON.stringify(term)} is not one of ${KEYS.map((k) => `${k}=0x..`).join(", ")}`);
    }
    if (values[key as Key] !== undefined) fail(`${key} is given twice`);
    values[key as Key] = parseValue(value!, key!, text);
  }
  if (values.event === undefined && values.config === undefined) fail("needs event= or config=");
  if (values.config !== undefined && (values.event !== undefined || values.umask !== undefined)) {
    fail("config= is the whole encoding; give either config= or event=/umask=, not both");
  }
  return Object.freeze({ name, family: pmuMatch![1]!, ...values, predefined: false, text });
}

/** The whole uncore_event_names list; a metric name may appear once. */
export function parseUncoreEvents(texts: readonly string[]): UncoreEvent[] {
  const events = texts.map(parseUncoreEvent);
  const seen = new Set<string>();
  for (const event of events) {
    if (seen.has(event.name)) throw new UncoreEventError(`uncore event ${event.name} is listed twice`);
    seen.add(event.name);
  }
  return events;
}

/** Deposits `value` into the field's bits, low bit first; refuses values wider than the field. */
export function placeField(value: bigint, field: FormatField, what: string): bigint {
  if (value >> BigInt(field.bits.length) !== 0n) {
    throw new UncoreEventError(
      `${what}: 0x${
        value.toString(16)
      } does not fit in its ${field.bits.length}-bit field (${field.word} bits ` +
        `${field.bits.join(",")})`,
    );
  }
  let placed = 0n;
  field.bits.forEach((bit, i) => {
    if ((value >> BigInt(i)) & 1n) placed |= 1n << BigInt(bit);
  });
  return placed;
}

/** The perf_event_attr of `event` on `pmu`: type from sysfs, event/umask placed by its format files. */
export function uncoreEventAttr(event: UncoreEvent, pmu: UncorePmu): PerfEventAttr {
  const words: Record<ConfigWord, bigint> = {
    config: event.config ?? 0n,
    config1: event.config1 ?? 0n,
    config2: 0n,
  };
  for (const key of ["event", "umask"] as const) {
    const value = event[key];
    if (value === undefined) continue;
    const field = pmu.format.get(key) ?? DEFAULT_FORMAT.get(key)!;
    const where = pmu.format.has(key) ? `${pmu.path}/format/${key}` : "the default layout";
    words[field.word] |= placeField(
      value,
      field,
      `uncore event ${event.name} on ${pmu.name}: ${key} (${where})`,
    );
  }
  return { type: pmu.type, config: words.config, config1: words.config1, config2: words.config2 };
}
