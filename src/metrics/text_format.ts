/**
 * The pieces of the Prometheus text format every encoder step shares: escaping, number formatting, the
 * natural order of label values, name patterns and the error for input the format cannot represent.
 */
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

/** Throws the MetricEncodingError for `problem` with the metric `name`. */
export function failMetric(name: string, problem: string): never {
  throw new MetricEncodingError(`metric "${name}": ${problem}`, name);
}

/** A value's kind for a message: "null", "string", "undefined" … */
export function describeValue(value: unknown): string {
  return value === null ? "null" : typeof value;
}

export const METRIC_NAME_PATTERN = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
export const LABEL_NAME_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const NEEDS_LABEL_ESCAPE = /[\\"\n]/;
const NEEDS_HELP_ESCAPE = /[\\\n]/;

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
  return escapeLabelValue(help);
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
