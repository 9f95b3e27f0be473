/**
 * Prometheus text exposition format (version 0.0.4) encoder, and its OpenMetrics 1.0 variant.
 *
 * Output is deterministic so files diff cleanly and tests can compare text: families sorted by name,
 * samples sorted by their labels (values in natural order, cpu="2" before cpu="10"), label names sorted,
 * one blank line between families as the original WCA printed them. Invalid input throws
 * MetricEncodingError before anything is returned, so a storage never writes half a batch.
 *
 * Two steps, so a storage can check a batch when it is stored and write its text only when it is
 * needed (HTTPMetricsStorage: when scraped): prepare() validates and sorts, render() writes bytes.
 * A MetricsEncoder kept by a storage remembers each frozen label set's text (label_set.ts) and reuses
 * one output buffer (byte_sink.ts), so a batch costs about the formatting of its numbers.
 */
import { ByteSink } from "./byte_sink.ts";
import { type Catalog, lookupMetric, METRIC_CATALOG } from "./catalog.ts";
import { compareLabelSets, type LabelSet, LabelSets, labelText } from "./label_set.ts";
import type { Metric, MetricType } from "./metric.ts";
import {
  describeValue,
  escapeHelp,
  escapeOpenMetricsHelp,
  failMetric,
  formatValue,
  METRIC_NAME_PATTERN,
  MetricEncodingError,
} from "./text_format.ts";

export {
  compareNatural,
  escapeHelp,
  escapeLabelValue,
  escapeOpenMetricsHelp,
  formatValue,
  LABEL_NAME_PATTERN,
  METRIC_NAME_PATTERN,
  MetricEncodingError,
  OPENMETRICS_CONTENT_TYPE,
  PROMETHEUS_CONTENT_TYPE,
} from "./text_format.ts";

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

interface Sample {
  readonly labels: LabelSet;
  readonly value: number;
  readonly timestamp: number | undefined;
}

interface Family {
  readonly name: string;
  /** The catalog's type for the name, looked up once per family. */
  readonly catalogType: MetricType | undefined;
  type: MetricType | undefined;
  help: string | undefined;
  readonly samples: Sample[];
}

/** A validated batch, families and samples in output order; render() writes it in either format. */
export interface PreparedBatch {
  readonly families: readonly Family[];
  /** Every family name of the batch, so an OpenMetrics family name cannot clash with another. */
  readonly names: ReadonlySet<string>;
}

export interface RenderOptions {
  readonly timestamps: boolean;
  /** Milliseconds since the epoch for metrics without a timestamp. */
  readonly now: number;
  readonly format?: "prometheus" | "openmetrics";
  /** End a non-empty batch with a blank line, to separate batches appended to one file. */
  readonly blankLineAfter?: boolean;
}

function checkType(name: string, type: unknown): MetricType | undefined {
  if (type === undefined || type === "gauge" || type === "counter") return type;
  return failMetric(name, `invalid type ${JSON.stringify(type)} (expected gauge or counter)`);
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

const NEWLINE = 10;
const SPACE = 32;

/** Validates, sorts and writes batches; keep one per storage so label text and the buffer are reused. */
export class MetricsEncoder {
  readonly #labelSets = new LabelSets();
  readonly #sink = new ByteSink();
  readonly #catalog: Catalog;

  constructor(catalog: Catalog = METRIC_CATALOG) {
    this.#catalog = catalog;
  }

  /**
   * Groups metrics by name and checks names, labels, values, types and duplicate series; throws
   * MetricEncodingError on the first problem. Help and type come from the metrics, else the catalog.
   */
  prepare(metrics: readonly Metric[]): PreparedBatch {
    const families = this.#collect(metrics);
    const ordered = [...families.values()].sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    this.#rankLabelSets(ordered);
    for (const family of ordered) {
      const samples = family.samples;
      samples.sort((a, b) => a.labels.rank - b.labels.rank);
      // Equal ranks are equal label sets: duplicates are neighbours.
      for (let i = 1; i < samples.length; i++) {
        if (samples[i - 1]!.labels.rank === samples[i]!.labels.rank) {
          failMetric(family.name, `duplicate series ${labelText(samples[i]!.labels.pairs) || "{}"}`);
        }
      }
    }
    return { families: ordered, names: new Set(families.keys()) };
  }

  /**
   * The batch as text: `# HELP`/`# TYPE` once per name, samples grouped by name, families separated by
   * a blank line (OpenMetrics: none, and `# EOF`). The bytes are a view of this encoder's buffer, valid
   * until its next render: write them or copy them before.
   */
  render(batch: PreparedBatch, options: RenderOptions): Uint8Array<ArrayBuffer> {
    const sink = this.#sink;
    sink.reset();
    const openMetrics = options.format === "openmetrics";
    batch.families.forEach((family, index) => {
      if (index > 0 && !openMetrics) sink.byte(NEWLINE); // OpenMetrics allows no separator
      this.#renderFamily(family, batch.names, options, openMetrics);
    });
    if (openMetrics) sink.ascii("# EOF\n");
    if (options.blankLineAfter && batch.families.length > 0) sink.byte(NEWLINE);
    return sink.view();
  }

  #collect(metrics: readonly Metric[]): Map<string, Family> {
    const validNames = new Set<string>();
    const families = new Map<string, Family>();
    const catalog = this.#catalog;
    for (const metric of metrics) {
      const name = metric.name;
      if (!validNames.has(name)) {
        if (typeof name !== "string" || !METRIC_NAME_PATTERN.test(name)) {
          const shown = typeof name === "string" ? JSON.stringify(name) : String(name);
          throw new MetricEncodingError(`invalid metric name ${shown}: must match [a-zA-Z_:][a-zA-Z0-9_:]*`);
        }
        validNames.add(name);
      }
      let family = families.get(name);
      if (family === undefined) {
        const catalogType = lookupMetric(name, catalog)?.type;
        family = { name, catalogType, type: undefined, help: metric.help, samples: [] };
        families.set(name, family);
      } else if (family.help === undefined) {
        family.help = metric.help; // the first help a metric of this name carries
      }
      // A metric without a type takes the catalog's, exactly as withCatalog(metric) would.
      const type = checkType(name, metric.type) ?? family.catalogType;
      if (type !== undefined) {
        if (family.type === undefined) family.type = type;
        else if (family.type !== type) failMetric(name, `conflicting types "${family.type}" and "${type}"`);
      }
      const value = metric.value;
      if (typeof value !== "number") failMetric(name, `value is not a number (${describeValue(value)})`);
      const timestamp = metric.timestamp;
      if (timestamp !== undefined && (typeof timestamp !== "number" || !Number.isFinite(timestamp))) {
        failMetric(
          name,
          `invalid timestamp ${String(timestamp)} (expected finite milliseconds since the epoch)`,
        );
      }
      family.samples.push({ labels: this.#labelSets.of(metric.labels, name), value, timestamp });
    }
    for (const family of families.values()) family.help ??= lookupMetric(family.name, catalog)?.help;
    return families;
  }

  /** Sorts the batch's distinct label sets once; equal sets get equal ranks. */
  #rankLabelSets(families: readonly Family[]): void {
    const distinct = new Set<LabelSet>();
    for (const family of families) for (const sample of family.samples) distinct.add(sample.labels);
    const sorted = [...distinct].sort(compareLabelSets);
    let rank = 0;
    for (let i = 0; i < sorted.length; i++) {
      if (i > 0 && compareLabelSets(sorted[i - 1]!, sorted[i]!) !== 0) rank++;
      sorted[i]!.rank = rank;
    }
  }

  #renderFamily(
    family: Family,
    names: ReadonlySet<string>,
    options: RenderOptions,
    openMetrics: boolean,
  ): void {
    const sink = this.#sink;
    const { name, samples } = family;
    if (openMetrics) {
      const [declared, type] = openMetricsType(family, names);
      if (type !== undefined) sink.ascii(`# TYPE ${declared} ${type}\n`);
      if (family.help) sink.text(`# HELP ${declared} ${escapeOpenMetricsHelp(String(family.help))}\n`);
    } else {
      if (family.help !== undefined) sink.text(`# HELP ${name} ${escapeHelp(String(family.help))}\n`);
      if (family.type !== undefined) sink.ascii(`# TYPE ${name} ${family.type}\n`);
    }
    const { timestamps, now } = options;
    for (const sample of samples) {
      sink.ascii(name);
      sink.bytes(sample.labels.bytes);
      sink.byte(SPACE);
      sink.ascii(formatValue(sample.value));
      if (timestamps) {
        const ms = Math.round(sample.timestamp ?? now);
        sink.byte(SPACE);
        sink.ascii(openMetrics ? String(ms / 1000) : String(ms)); // OpenMetrics: seconds
      }
      sink.byte(NEWLINE);
    }
  }
}

/** Checks `now` the way every caller needs it: finite milliseconds since the epoch. */
export function checkNow(now: number): number {
  if (!Number.isFinite(now)) {
    throw new MetricEncodingError(`invalid "now" ${now} (expected finite milliseconds since the epoch)`);
  }
  return now;
}

/**
 * Encodes metrics as Prometheus text: `# HELP`/`# TYPE` once per name (help and type taken from the
 * metrics, else from the catalog), samples grouped by name, families separated by a blank line.
 * Returns "" for no metrics ("# EOF\n" in OpenMetrics). Throws MetricEncodingError on invalid names,
 * labels, values, conflicting types or duplicate series.
 */
export function encodeMetrics(metrics: readonly Metric[], options: EncodeOptions): string {
  const encoder = new MetricsEncoder(options.catalog);
  const batch = encoder.prepare(metrics);
  const now = checkNow(options.now ?? Date.now());
  const bytes = encoder.render(batch, { timestamps: options.timestamps, now, format: options.format });
  return new TextDecoder().decode(bytes);
}
