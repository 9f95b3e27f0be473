/**
 * cassandra-stress (Apache Cassandra 3.11 and 4.x tools), on stdout. Two sources, same metric names:
 *
 * - the progress table, one row a second; its `total` row (the only one for a single operation type):
 *   `type       total ops,    op/s,    pk/s,   row/s,    mean,     med,     .95,     .99,    .999, …`
 *   `total,         19854,   19854,   19854,   19854,     2.4,     1.3,     7.6,    16.3,    39.4, …`
 * - the `Results:` block at the end: `Op rate : 14,997 op/s [WRITE: 14,997 op/s]`,
 *   `Latency 95th percentile : 0.4 ms`, `Latency 99th percentile : 74.0 ms`, `Latency 99.9th …`.
 *
 * Gives qps and p99 (the seeds' names), p95 and p999; latencies in milliseconds.
 */
import { lineParser, type Metric, parseNumber, wrapperMain } from "../../src/wrapper/mod.ts";

const PROGRESS_COLUMNS: Readonly<Record<string, readonly [string, string]>> = {
  "op/s": ["qps", "Operations per second"],
  ".95": ["p95", "95th percentile of latency (ms)"],
  ".99": ["p99", "99th percentile of latency (ms)"],
  ".999": ["p999", "99.9th percentile of latency (ms)"],
};
const OP_RATE = /^Op rate\s*:\s*([\d,]+(?:\.\d+)?) op\/s/;
const LATENCY = /^Latency (95th|99th|99\.9th) percentile\s*:\s*(\d+(?:\.\d+)?) ms/;
const LATENCY_NAMES: Readonly<Record<string, string>> = { "95th": "p95", "99th": "p99", "99.9th": "p999" };

function cells(line: string): string[] {
  return line.split(",").map((cell) => cell.trim());
}

export const parser = lineParser({
  name: "cassandra-stress",
  description: "cassandra-stress: op rate and latency percentiles from the progress table and the " +
    "Results block (Cassandra 3.11/4.x tools, on stdout).",
  perLine(make) {
    let header: string[] | undefined;
    const parseLine = (line: string): Metric[] => {
      const rate = OP_RATE.exec(line);
      if (rate) {
        const value = parseNumber(rate[1]);
        return value === undefined ? [] : [make.gauge("qps", value, "Operations per second")];
      }
      const latency = LATENCY.exec(line);
      if (latency) {
        return [
          make.gauge(
            LATENCY_NAMES[latency[1]!]!,
            Number(latency[2]),
            `${latency[1]} percentile of latency (ms)`,
          ),
        ];
      }
      if (/^type\s+total ops,/.test(line)) {
        // "type       total ops" is two columns with no comma between them.
        header = ["type", "total ops", ...cells(line).slice(1)];
        return [];
      }
      const row = cells(line);
      if (row[0] !== "total" || !header || row.length !== header.length) return [];
      const found: Metric[] = [];
      header.forEach((name, i) => {
        const wanted = PROGRESS_COLUMNS[name];
        const value = parseNumber(row[i]);
        if (wanted && value !== undefined) found.push(make.gauge(wanted[0], value, wanted[1]));
      });
      return found;
    };
    return parseLine;
  },
});

if (import.meta.main) await wrapperMain(parser);
