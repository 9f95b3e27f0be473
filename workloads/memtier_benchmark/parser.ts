/**
 * memtier_benchmark (RedisLabs, 1.3–2.x). Two sources, with the same metric names:
 *
 * - its progress line on stderr, rewritten in place with "\r" about once a second:
 *   `[RUN #1 37%,   4 secs]  4 threads:  60612 ops,  15207 (avg:  15149) ops/sec, 636.11KB/sec (avg:
 *   633.69KB/sec),  0.21 (avg:  0.21) msec latency` → qps and latency (the current ones);
 * - the `ALL STATS` table on stdout at the end, whose `Totals` row gives qps (Ops/sec), latency
 *   (Avg. Latency, or Latency before 1.3) and each percentile column (`p99.9 Latency` → p999_latency).
 *
 * Latencies are in milliseconds. The seeds' wrapper read the table from a JSON file after the run;
 * reading the streams gives figures during the run too.
 */
import { lineParser, type Metric, parseNumber, percentileName, wrapperMain } from "../../src/wrapper/mod.ts";

const PROGRESS =
  /^\[RUN #\d+ +\d+%, +\d+ secs\] +\d+ threads?: +\d+ ops, +(\d+(?:\.\d+)?) \(avg: +[\d.]+\) ops\/sec, .*?, +(\d+(?:\.\d+)?) \(avg: +[\d.]+\) msec latency/;

function column(name: string): readonly [string, string] | undefined {
  if (name === "Ops/sec") return ["qps", "Operations per second"];
  if (name === "Latency" || name === "Avg. Latency") return ["latency", "Average latency (ms)"];
  const percentile = /^(p\d+(?:\.\d+)?) Latency$/.exec(name);
  if (percentile) return [`${percentileName(percentile[1]!)}_latency`, `${percentile[1]} latency (ms)`];
  return undefined;
}

export const parser = lineParser({
  name: "memtier_benchmark",
  description: "memtier_benchmark: ops/sec and latency from its progress line (stderr, default) and " +
    "the ALL STATS table (stdout, --stderr 0) (memtier_benchmark 1.3-2.x).",
  defaultStream: 1,
  perLine(make) {
    let header: string[] | undefined;
    const parseLine = (line: string): Metric[] => {
      const progress = PROGRESS.exec(line.trim());
      if (progress) {
        return [
          make.gauge("qps", Number(progress[1]), "Operations per second"),
          make.gauge("latency", Number(progress[2]), "Average latency (ms)"),
        ];
      }
      if (/^Type\s+Ops\/sec\s/.test(line)) {
        header = line.trim().split(/\s{2,}/);
        return [];
      }
      const words = line.trim().split(/\s+/);
      if (words[0] !== "Totals" || !header || words.length !== header.length) return [];
      const found: Metric[] = [];
      header.forEach((name, i) => {
        const wanted = column(name);
        const value = parseNumber(words[i]);
        if (wanted && value !== undefined) found.push(make.gauge(wanted[0], value, wanted[1]));
      });
      return found;
    };
    return parseLine;
  },
});

if (import.meta.main) await wrapperMain(parser);
