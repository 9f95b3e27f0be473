import { parser } from "../../../workloads/memtier_benchmark/parser.ts";
import { fixture, type ParserCase, parserCases } from "../../helpers/workload_parsers.ts";

const CASES: readonly ParserCase[] = [
  {
    name: "modelled 2.x progress lines on stderr, rewritten with \\r",
    text: fixture("memtier_benchmark/modelled_2.x_progress_stderr.txt"),
    expected: { qps: 15468, latency: 0.25 },
  },
  {
    name: "modelled 2.x ALL STATS table: the Totals row",
    text: fixture("memtier_benchmark/modelled_2.x_all_stats_stdout.txt"),
    expected: {
      qps: 15415.01,
      latency: 0.25426,
      p50_latency: 0.239,
      p99_latency: 0.543,
      p999_latency: 1.127,
    },
  },
  {
    name: "modelled 1.2 table with a single Latency column",
    text: fixture("memtier_benchmark/modelled_1.2_all_stats_stdout.txt"),
    expected: { qps: 13211.56, latency: 0.309 },
  },
  {
    name: "a Totals row cut short gives nothing",
    text: fixture("memtier_benchmark/modelled_2.x_all_stats_stdout.txt").replace(
      /Totals .*\n?$/,
      "Totals      15415.01  0.00",
    ),
    expected: {},
  },
  {
    name: "a progress line cut short gives nothing",
    text: "[RUN #1 10%,   1 secs]  4 threads:       15112 ops,   15112 (avg:   15112) ops/s",
    expected: {},
  },
  { name: "garbage gives nothing", text: "Totals x y z\n[RUN #x]\n\u0000\u0000\r\r\n", expected: {} },
];

parserCases("memtier_benchmark", parser, CASES);
