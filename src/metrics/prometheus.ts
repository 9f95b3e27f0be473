/**
 * Prometheus text exposition format (version 0.0.4) encoder, and its OpenMetrics 1.0 variant.
 *
 * Output is deterministic so files diff cleanly and tests can compare text: families sorted by name,
 * samples sorted by their labels (values in natural order, cpu="2" before cpu="10"), label names sorted,
 * one blank line between families as the original WCA printed them. Invalid input throws
 * MetricEncodingError before anything is returned, so a storage never writes half a batch.
 */
import { type Catalog, lookupMetric, METRIC_CATALOG } from "./catalog.ts";
import type { Metric, MetricType } from "./metric.ts";

export interface EncodeOptions {
  /** Print a millisecond timestamp after each value (metric.timestamp, else `now`). */
  readonly timestamps: boolean;
  /** Milliseconds since the epoch for metrics without a timestamp; default: Date.now() once per call. */
  readonly now?: number;
  /** Where missing help and type come from; default: the WCA metric catalog. */
  readonly catalog?: Catalog;
  /**
   * "openmetrics": OpenMetrics 1.0 text (application/openmetrics-text; version=1.0.0): TYPE before
   * HELP, no blank lines, timestamps in seconds, `# EOF` at the end. A counter whose name ends in
   * `_total` is declared without the suffix (`# TYPE x counter` above `x_total 5`). A counter named
   * without `_total` (most of WCA's, e.g. task_cycles) is declared `unknown` instead: OpenMetrics would
   * otherwise make its samples `task_cycles_total`, and a Prometheus that negotiates OpenMetrics would
   * store other series names than one reading the classic text. Default: "prometheus" (0.0.4).
   */
  readonly format?: "prometheus" | "openmetrics";
}

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
export const OPENMETRICS_CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/** Input the text format cannot represent; the message names the metric and what is wrong with it. */
export class MetricEncodingError extends Error {
  override readonly name = "MetricEncodingError";
  /** The offending metric name, when the problem belongs to one. */
  readonly metricName: string | undefined;

  constructor(message: string, metricName?: string) {
    super(message);
    this.metricName = metricName;
  }
}

export const METRIC_NAME_PATTERN = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
export const LABEL_NAME_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

interface Sample {
  /** Sorted label names and their values, interleaved: [name0, value0, name1, value1, …]. */
  readonly pairs: readonly string[];
  readonly value: number;
  readonly timestamp: number | undefined;
}

interface Family {
  readonly name: string;
  type: MetricType | undefined;
  help: string | undefined;
  readonly samples: Sample[];
}

const NEEDS_LABEL_ESCAPE = /[\\"\n]/;
const NEEDS_HELP_ESCAPE = /[\\\n]/;
const NEEDS_OM_HELP_ESCAPE = /[\\"\n]/;

export function escapeLabelValue(value: string): string {
  if (!NEEDS_LABEL_ESCAPE.test(value)) return value;
  return value.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : "\\" + c));
}

export function escapeHelp(help: string): string {
  if (!NEEDS_HELP_ESCAPE.test(help)) return help;
  return help.replace(/[\\\n]/g, (c) => (c === "\n" ? "\\n" : "\\\\"));
}

/** OpenMetrics escapes HELP like a label value: backslash, double quote and newline. */
export function escapeOpenMetricsHelp(help: string): string {
  return NEEDS_OM_HELP_ESCAPE.test(help) ? escapeLabelValue(help) : help;
}

/** Integers plain, other finite numbers in JS shortest round-trip form, NaN, +Inf, -Inf. */
export function formatValue(value: number): string {
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value); // "NaN" for NaN; Go's ParseFloat reads JS exponent forms (1e-7, 1e+21)
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * Natural order: runs of digits compare by numeric value ("2" < "10"), everything else by UTF-16 code.
 * Strings equal in that order ("01" and "1") fall back to plain order, so only identical strings tie.
 */
export function compareNatural(a: string, b: string): number {
  const la = a.length;
  const lb = b.length;
  let i = 0;
  let j = 0;
  while (i < la && j < lb) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      let si = i;
      while (si < la && a.charCodeAt(si) === 48) si++;
      let sj = j;
      while (sj < lb && b.charCodeAt(sj) === 48) sj++;
      let ei = si;
      while (ei < la && isDigit(a.charCodeAt(ei))) ei++;
      let ej = sj;
      while (ej < lb && isDigit(b.charCodeAt(ej))) ej++;
      if (ei - si !== ej - sj) return (ei - si) - (ej - sj);
      for (let k = 0; k < ei - si; k++) {
        const d = a.charCodeAt(si + k) - b.charCodeAt(sj + k);
        if (d !== 0) return d;
      }
      i = ei;
      j = ej;
    } else {
      if (ca !== cb) return ca - cb;
      i++;
      j++;
    }
  }
  if (i < la || j < lb) return (la - i) - (lb - j);
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareSamples(a: Sample, b: Sample): number {
  const pa = a.pairs;
  const pb = b.pairs;
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i += 2) {
    const na = pa[i]!;
    const nb = pb[i]!;
    if (na !== nb) return na < nb ? -1 : 1;
    const va = pa[i + 1]!;
    const vb = pb[i + 1]!;
    if (va !== vb) return compareNatural(va, vb);
  }
  return pa.length - pb.length;
}

function fail(name: string, problem: string): never {
  throw new MetricEncodingError(`metric "${name}": ${problem}`, name);
}

function describe(value: unknown): string {
  return value === null ? "null" : typeof value;
}

/** Per-call caches: a batch repeats the same few names thousands of times. */
interface Validated {
  readonly metricNames: Set<string>;
  readonly labelNames: Set<string>;
}

function checkMetricName(name: unknown, seen: Validated): string {
  if (typeof name === "string" && seen.metricNames.has(name)) return name;
  if (typeof name !== "string" || !METRIC_NAME_PATTERN.test(name)) {
    const shown = typeof name === "string" ? JSON.stringify(name) : String(name);
    throw new MetricEncodingError(`invalid metric name ${shown}: must match [a-zA-Z_:][a-zA-Z0-9_:]*`);
  }
  seen.metricNames.add(name);
  return name;
}

function checkLabelName(metricName: string, label: string, seen: Validated): void {
  if (seen.labelNames.has(label)) return;
  if (!LABEL_NAME_PATTERN.test(label)) {
    fail(metricName, `invalid label name ${JSON.stringify(label)}: must match [a-zA-Z_][a-zA-Z0-9_]*`);
  }
  if (label.startsWith("__")) {
    fail(metricName, `invalid label name ${JSON.stringify(label)}: names starting with "__" are reserved`);
  }
  seen.labelNames.add(label);
}

/** Insertion sort: label sets are small, and this beats Array#sort's generic comparator several-fold. */
function sortSmall(keys: string[]): string[] {
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

function toSample(metric: Metric, name: string, seen: Validated): Sample {
  const value = metric.value;
  if (typeof value !== "number") fail(name, `value is not a number (${describe(value)})`);
  const timestamp = metric.timestamp;
  if (timestamp !== undefined && (typeof timestamp !== "number" || !Number.isFinite(timestamp))) {
    fail(name, `invalid timestamp ${String(timestamp)} (expected finite milliseconds since the epoch)`);
  }
  const labels = metric.labels ?? {};
  const keys = sortSmall(Object.keys(labels));
  const pairs: string[] = new Array(keys.length * 2);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    checkLabelName(name, key, seen);
    const labelValue: unknown = labels[key];
    if (typeof labelValue !== "string") {
      fail(name, `label "${key}" has a non-string value (${describe(labelValue)})`);
    }
    pairs[2 * i] = key;
    pairs[2 * i + 1] = labelValue;
  }
  return { pairs, value, timestamp };
}

function checkType(name: string, type: unknown): MetricType | undefined {
  if (type === undefined || type === "gauge" || type === "counter") return type;
  return fail(name, `invalid type ${JSON.stringify(type)} (expected gauge or counter)`);
}

/** Groups metrics by name, validating names, labels, values and types. */
function collectFamilies(metrics: readonly Metric[], catalog: Catalog): Map<string, Family> {
  const seen: Validated = { metricNames: new Set(), labelNames: new Set() };
  const families = new Map<string, Family>();
  for (const metric of metrics) {
    const name = checkMetricName(metric.name, seen);
    let family = families.get(name);
    if (family === undefined) {
      family = { name, type: undefined, help: metric.help, samples: [] };
      families.set(name, family);
    } else if (family.help === undefined) {
      family.help = metric.help; // the first help a metric of this name carries
    }
    // A metric without a type takes the catalog's, exactly as withCatalog(metric) would.
    const type = checkType(name, metric.type) ?? lookupMetric(name, catalog)?.type;
    if (type !== undefined) {
      if (family.type === undefined) family.type = type;
      else if (family.type !== type) fail(name, `conflicting types "${family.type}" and "${type}"`);
    }
    family.samples.push(toSample(metric, name, seen));
  }
  for (const family of families.values()) family.help ??= lookupMetric(family.name, catalog)?.help;
  return families;
}

/** `{a="1",b="2"}`, or "" without labels. */
function labelText(pairs: readonly string[]): string {
  let out = "";
  for (let i = 0; i < pairs.length; i += 2) {
    out += (i === 0 ? "{" : ",") + pairs[i] + '="' + escapeLabelValue(pairs[i + 1]!) + '"';
  }
  return pairs.length === 0 ? out : out + "}";
}

/**
 * Collects output lines and flattens them every CHUNK lines. A single growing string (or one string per
 * line kept to the end) leaves millions of rope fragments alive, and the garbage collector then costs
 * more than the encoding.
 */
class TextChunks {
  static readonly CHUNK = 512;
  readonly #chunks: string[] = [];
  #lines: string[] = [];

  push(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length === TextChunks.CHUNK) this.#flush();
  }

  #flush(): void {
    this.#chunks.push(this.#lines.join(""));
    this.#lines = [];
  }

  text(): string {
    this.#flush();
    return this.#chunks.join("");
  }
}

interface Rendering {
  readonly timestamps: boolean;
  readonly now: number;
  readonly openMetrics: boolean;
  /** Every family name of the batch, so an OpenMetrics family name cannot clash with another. */
  readonly names: ReadonlySet<string>;
}

/**
 * The OpenMetrics TYPE line's name and type: `x_total` counters become family `x`; other counters, and
 * counters holding a value OpenMetrics forbids (NaN, negative), are `unknown` under their own name.
 */
function openMetricsType(family: Family, names: ReadonlySet<string>): [string, string | undefined] {
  const { name, type, samples } = family;
  if (type !== "counter") return [name, type];
  const base = name.slice(0, -"_total".length);
  const valid = samples.every((sample) => sample.value >= 0); // false for NaN too
  return name.endsWith("_total") && base !== "" && valid && !names.has(base)
    ? [base, "counter"]
    : [name, "unknown"];
}

function encodeFamily(out: TextChunks, family: Family, rendering: Rendering): void {
  const { name, samples } = family;
  const { timestamps, now, openMetrics } = rendering;
  samples.sort(compareSamples);
  if (openMetrics) {
    const [declared, type] = openMetricsType(family, rendering.names);
    if (type !== undefined) out.push(`# TYPE ${declared} ${type}\n`);
    if (family.help) out.push(`# HELP ${declared} ${escapeOpenMetricsHelp(String(family.help))}\n`);
  } else {
    if (family.help !== undefined) out.push(`# HELP ${name} ${escapeHelp(String(family.help))}\n`);
    if (family.type !== undefined) out.push(`# TYPE ${name} ${family.type}\n`);
  }
  for (let i = 0; i < samples.length; i++) {
    const sample = samples[i]!;
    // Sorted, and compareSamples is 0 only for identical label sets: duplicates are neighbours.
    if (i > 0 && compareSamples(samples[i - 1]!, sample) === 0) {
      fail(name, `duplicate series ${labelText(sample.pairs) || "{}"}`);
    }
    let line = name + labelText(sample.pairs) + " " + formatValue(sample.value);
    if (timestamps) {
      const ms = Math.round(sample.timestamp ?? now);
      line += " " + (openMetrics ? String(ms / 1000) : String(ms)); // OpenMetrics: seconds
    }
    out.push(line + "\n");
  }
}

/**
 * Encodes metrics as Prometheus text: `# HELP`/`# TYPE` once per name (help and type taken from the
 * metrics, else from the catalog), samples grouped by name, families separated by a blank line.
 * Returns "" for no metrics ("# EOF\n" in OpenMetrics). Throws MetricEncodingError on invalid names,
 * labels, values, conflicting types or duplicate series.
 */
export function encodeMetrics(metrics: readonly Metric[], options: EncodeOptions): string {
  const catalog = options.catalog ?? METRIC_CATALOG;
  const families = collectFamilies(metrics, catalog);
  const now = options.now ?? Date.now();
  if (!Number.isFinite(now)) {
    throw new MetricEncodingError(`invalid "now" ${now} (expected finite milliseconds since the epoch)`);
  }
  const openMetrics = options.format === "openmetrics";
  const rendering: Rendering = {
    timestamps: options.timestamps,
    now,
    openMetrics,
    names: new Set(families.keys()),
  };
  const out = new TextChunks();
  [...families.keys()].sort().forEach((name, index) => {
    if (index > 0 && !openMetrics) out.push("\n"); // OpenMetrics allows no separator
    encodeFamily(out, families.get(name)!, rendering);
  });
  if (openMetrics) out.push("# EOF\n");
  return out.text();
}
