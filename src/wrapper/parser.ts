/**
 * The parser API: what a workload needs to turn its output into application metrics.
 *
 * A parser is made once per run (`create`) and then called with each group of new output lines; it
 * returns the metrics found in those lines only (never earlier ones again). A parser whose figures span
 * several lines (a table, a block ending in a separator) keeps that state in its closure. End of output
 * needs no call: the wrapper stops calling, and a half-read block is dropped.
 */
import type { Labels, Metric } from "../metrics/metric.ts";

/** What every parser is given, from the wrapper's command line. */
export interface ParserOptions {
  /** --labels: added to every metric. */
  readonly labels: Labels;
  /** --metric_name_prefix: put before every metric name the parser makes. */
  readonly metricNamePrefix: string;
  /** --regexp, with named groups `name` and `value` (the generic wrapper's parser uses it). */
  readonly regexp: RegExp;
  /** --separator: a line matching it (at its start) ends a block (the generic wrapper's parser). */
  readonly separator: RegExp | undefined;
}

/** Metrics found in `lines`, which are complete lines without their line ends. */
export type ParseLines = (lines: readonly string[]) => Metric[];

export interface WorkloadParser {
  /** The workload's name; its wrapper binary is `wrapper-<name>`. */
  readonly name: string;
  /** One line for --help: what the parser reads and which tool version's output it was written for. */
  readonly description: string;
  /** Which stream the workload prints its figures on, when the user gives no --stderr: 0 stdout, 1 stderr. */
  readonly defaultStream?: 0 | 1;
  /** A fresh parse function for one run of the workload. */
  create(options: ParserOptions): ParseLines;
}

/** Builds the parser's metrics: the prefix, the wrapper's labels (and extra ones), a type and help. */
export class MetricMaker {
  readonly #options: ParserOptions;

  constructor(options: ParserOptions) {
    this.#options = options;
  }

  gauge(name: string, value: number, help: string, labels: Labels = {}): Metric {
    return this.#make(name, value, "gauge", help, labels);
  }

  counter(name: string, value: number, help: string, labels: Labels = {}): Metric {
    return this.#make(name, value, "counter", help, labels);
  }

  #make(name: string, value: number, type: "gauge" | "counter", help: string, labels: Labels): Metric {
    return {
      name: this.#options.metricNamePrefix + name,
      value,
      labels: { ...this.#options.labels, ...labels },
      type,
      help,
    };
  }
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INFINITE = /^([+-]?)inf(?:inity)?$/i;
const NOT_A_NUMBER = /^[+-]?nan$/i;

/**
 * A word that may be a number as workloads print it: a sign, digits, a point, an exponent (`1.5e-05`,
 * `2.5E+3`), thousands separators (`1,350,028`), or an inf/nan spelling. It ends where the word ends, so
 * `0x1F` or `1e999` is taken whole and refused by readNumber instead of being cut to a wrong `0` or `1`.
 * Python syntax, like the wrapper's --regexp.
 */
export const NUMBER_WORD = String.raw`[-+]?(?:(?:\d|\.\d)(?:[\w.]|(?<=[eE])[-+]|,(?=\d{3}(?!\d)))*` +
  String.raw`|(?:[Ii][Nn][Ff](?:[Ii][Nn][Ii][Tt][Yy])?|[Nn][Aa][Nn])(?!\w))`;

export type NumberReading =
  | { readonly ok: true; readonly value: number }
  | { readonly ok: false; readonly problem: string };

/**
 * A number as a workload printed it, exactly, or why it is not one. Decimal forms with sign and exponent,
 * thousands separators, and the spellings of infinity and NaN (`+Inf`, `-inf`, `Infinity`, `NaN`, `-nan`
 * as printf writes it) are numbers; hex (`0x1F`) is not, and neither is a decimal outside the range of a
 * double (`1e999` would be +Inf, `1e-999` would be 0): exact or absent, never a different number.
 */
export function readNumber(text: string): NumberReading {
  const plain = text.trim().replace(/,(?=\d{3}(?:\D|$))/g, "");
  const infinite = INFINITE.exec(plain);
  if (infinite) return { ok: true, value: infinite[1] === "-" ? -Infinity : Infinity };
  if (NOT_A_NUMBER.test(plain)) return { ok: true, value: NaN };
  if (!DECIMAL.test(plain)) return { ok: false, problem: "not a decimal number" };
  const value = Number(plain);
  if (!Number.isFinite(value) || (value === 0 && /[1-9]/.test(plain.replace(/[eE].*$/, "")))) {
    return { ok: false, problem: "outside the range of a double (about 2.2e-308 to 1.8e308 in magnitude)" };
  }
  return { ok: true, value };
}

/**
 * A finite decimal number as workloads print it ("1,350,028", "74.0", "3.6e+03"), or undefined for anything
 * else ("---", "NaN", "inf", "", "12abc", "1e999"): a garbled or missing figure is skipped, never turned
 * into 0. The reference workloads print NaN or inf for "no figure yet"; the generic parser, which serves
 * whatever the workload says, uses readNumber.
 */
export function parseNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const reading = readNumber(text);
  return reading.ok && Number.isFinite(reading.value) ? reading.value : undefined;
}

/** `p99.9` → `p999`, `99.99th` → `p9999`: a percentile as WCA's metric names write it. */
export function percentileName(text: string): string {
  return "p" + text.replace(/^p/i, "").replace(/th$/i, "").replace(".", "");
}

/** What a line-by-line parser is made of; see lineParser. */
export interface LineParserSpec {
  readonly name: string;
  readonly description: string;
  readonly defaultStream?: 0 | 1;
  /** Called once per run; returns the function that reads one line (it may keep state between lines). */
  readonly perLine: (make: MetricMaker, options: ParserOptions) => (line: string) => Metric[];
}

/** A WorkloadParser that reads its lines one at a time, as every reference workload's parser does. */
export function lineParser(spec: LineParserSpec): WorkloadParser {
  const { perLine, ...described } = spec;
  return {
    ...described,
    create(options: ParserOptions): ParseLines {
      const parseLine = perLine(new MetricMaker(options), options);
      return (lines) => lines.flatMap((line) => parseLine(line));
    },
  };
}
