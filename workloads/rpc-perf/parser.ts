/**
 * rpc-perf 2.x (twitter/rpc-perf, the version WCA's workloads used): the window summary it logs every
 * `--interval` seconds; two of its lines carry the figures:
 *
 *   2018-09-13 08:15:43.404 INFO  [rpc-perf] Rate: 15823.74 rps Success: 100.00 % Hit Rate: 31.12 %
 *   2018-09-13 08:15:43.404 INFO  [rpc-perf] Percentiles: Response OK (us): min: 47 p50: 389 p90: 775
 *   p99: 86436 p999: 89120 p9999: 89657 max: 89657
 *
 * (each one line). Gives rate, success, hit_rate, and min, p50, p90, p99, p999, p9999, max of the
 * response latency in microseconds (the seeds' names).
 */
import {
  lineParser,
  type Metric,
  type MetricMaker,
  NUMBER_WORD,
  parseNumber,
  wrapperMain,
} from "../../src/wrapper/mod.ts";

// The figure is the whole number-like word: `1.5e3` is not cut to 1.5, nor `0x1F` to 0 (parseNumber refuses it).
const PERCENTILE = new RegExp(String.raw`\b(min|max|p\d+): *(${NUMBER_WORD})`, "g");
const RATE = new RegExp(String.raw`\b(Hit Rate|Success|Rate): *(${NUMBER_WORD})`, "g");
const RATE_NAMES: Readonly<Record<string, readonly [string, string]>> = {
  "Rate": ["rate", "Requests per second"],
  "Success": ["success", "Successful responses (%)"],
  "Hit Rate": ["hit_rate", "Cache hit rate (%)"],
};

function parseLine(line: string, make: MetricMaker): Metric[] {
  const found: Metric[] = [];
  const percentiles = line.indexOf("[rpc-perf] Percentiles:");
  if (percentiles >= 0) {
    for (const [, name, text] of line.slice(percentiles).matchAll(PERCENTILE)) {
      const value = parseNumber(text);
      if (value === undefined) continue;
      const help = name === "min" || name === "max"
        ? `${name} of response latency (us)`
        : `${name!.slice(1, 3)}.${name!.slice(3)}th percentile of response latency (us)`.replace(".th", "th");
      found.push(make.gauge(name!, value, help));
    }
  }
  const rate = line.indexOf("[rpc-perf] Rate:");
  if (rate >= 0) {
    for (const [, label, text] of line.slice(rate + "[rpc-perf] ".length).matchAll(RATE)) {
      const value = parseNumber(text);
      const [name, help] = RATE_NAMES[label!]!;
      if (value !== undefined) found.push(make.gauge(name, value, help));
    }
  }
  return found;
}

export const parser = lineParser({
  name: "rpc-perf",
  description: "rpc-perf: request rate, success and hit rate, latency percentiles from its window " +
    "summaries (rpc-perf 2.x).",
  perLine: (make) => (line) => parseLine(line, make),
});

if (import.meta.main) await wrapperMain(parser);
