/**
 * YCSB 0.17.0: the status line its client prints on stderr every `-p status.interval` seconds (10 by
 * default) with `-s`:
 *
 *   2018-08-22 17:33:25:811 581 sec: 581117 operations; 975 current ops/sec; est completion in 2 hours
 *   36 minutes [READ: Count=462, Max=554, Min=273, Avg=393.39, 90=457, 99=525, 99.9=554, 99.99=554]
 *   [UPDATE: Count=513, …]
 *
 * (one line). Gives operations, ops_per_sec and, per operation type in brackets, <op>_avg, <op>_p90,
 * <op>_p99, <op>_p999 and <op>_p9999 (latencies in microseconds; read_p9999 and update_p9999 are the
 * seeds' names).
 */
import {
  lineParser,
  type Metric,
  type MetricMaker,
  parseNumber,
  percentileName,
  wrapperMain,
} from "../../src/wrapper/mod.ts";

const OPERATIONS = /\b(\d+) operations;/;
const OPS_PER_SEC = /\b(\d+(?:\.\d+)?) current ops\/sec;/;
const OPERATION = /\[([A-Z][A-Z_-]*): ([^\]]*)\]/g;
const STATISTIC = /^(Avg|\d+(?:\.\d+)?)=(.*)$/;

function parseLine(line: string, make: MetricMaker): Metric[] {
  if (!/ sec: \d+ operations;/.test(line)) return [];
  const found: Metric[] = [];
  const operations = parseNumber(OPERATIONS.exec(line)?.[1]);
  if (operations !== undefined) found.push(make.gauge("operations", operations, "Operations done"));
  const rate = parseNumber(OPS_PER_SEC.exec(line)?.[1]);
  if (rate !== undefined) found.push(make.gauge("ops_per_sec", rate, "Operations per second, current"));
  for (const [, op, body] of line.matchAll(OPERATION)) {
    const prefix = op!.toLowerCase().replace(/-/g, "_");
    for (const part of body!.split(",")) {
      const statistic = STATISTIC.exec(part.trim());
      const value = parseNumber(statistic?.[2]);
      if (!statistic || value === undefined) continue;
      const what = statistic[1] === "Avg" ? "avg" : percentileName(statistic[1]!);
      const help = statistic[1] === "Avg"
        ? `Average ${prefix} latency (us)`
        : `${statistic[1]}th percentile of ${prefix} latency (us)`;
      found.push(make.gauge(`${prefix}_${what}`, value, help));
    }
  }
  return found;
}

export const parser = lineParser({
  name: "ycsb",
  description: "YCSB: operations, throughput and latency percentiles per operation from the client's " +
    "status lines (YCSB 0.17.0 with -s, on stderr).",
  defaultStream: 1,
  perLine: (make) => (line) => parseLine(line, make),
});

if (import.meta.main) await wrapperMain(parser);
