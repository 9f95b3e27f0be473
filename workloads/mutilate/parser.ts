/**
 * mutilate (leverich/mutilate): the latency table and total it prints on stdout at the end of a run,
 * and with --scan once per QPS step:
 *
 *   #type       avg     std     min     5th    10th    90th    95th    99th
 *   read      801.9   155.0   304.5   643.7   661.1  1017.8  1128.2  1386.5
 *   update    804.6   157.8   539.4   643.4   661.2  1026.1  1136.1  1404.3
 *   Total QPS = 159578.5 (1595835 / 10.0s)
 *
 *   #type       avg     min     1st     5th    10th    90th    95th    99th      QPS   target   (--scan)
 *   read       76.3   346.3    21.1    23.5    24.5    34.3    38.7  2056.6   1002.0     1000
 *
 * Gives read_avg, read_p90, read_p95, read_p99 (and update_… for updates) in microseconds and qps;
 * in --scan mode scan_read_avg, scan_read_p90, scan_read_p95, scan_read_p99 and scan_qps (the seeds'
 * names). Columns are found by the `#type` header, so both layouts read the same way.
 */
import { lineParser, type Metric, parseNumber, wrapperMain } from "../../src/wrapper/mod.ts";

const WANTED: Readonly<Record<string, readonly [string, string]>> = {
  avg: ["avg", "Average latency (us)"],
  "90th": ["p90", "90th percentile of latency (us)"],
  "95th": ["p95", "95th percentile of latency (us)"],
  "99th": ["p99", "99th percentile of latency (us)"],
};
const TOTAL_QPS = /^Total QPS = (\d+(?:\.\d+)?) /;

export const parser = lineParser({
  name: "mutilate",
  description: "mutilate: latency percentiles of reads and updates and total QPS (leverich/mutilate, " +
    "plain and --scan output, on stdout).",
  perLine(make) {
    let header: string[] | undefined;
    const parseLine = (line: string): Metric[] => {
      const words = line.trim().split(/\s+/);
      if (words[0] === "#type") {
        header = words;
        return [];
      }
      const total = TOTAL_QPS.exec(line);
      if (total) return [make.gauge("qps", Number(total[1]), "Total QPS")];
      if (!header || (words[0] !== "read" && words[0] !== "update") || words.length !== header.length) {
        return [];
      }
      const scan = header.includes("QPS") ? "scan_" : "";
      const found: Metric[] = [];
      header.forEach((column, i) => {
        const value = parseNumber(words[i]);
        if (value === undefined) return;
        const wanted = WANTED[column];
        if (wanted) {
          found.push(make.gauge(`${scan}${words[0]}_${wanted[0]}`, value, `${words[0]}: ${wanted[1]}`));
        }
        if (column === "QPS" && words[0] === "read") found.push(make.gauge(`${scan}qps`, value, "QPS"));
      });
      return found;
    };
    return parseLine;
  },
});

if (import.meta.main) await wrapperMain(parser);
