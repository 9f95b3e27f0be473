import { parser } from "../../../workloads/mutilate/parser.ts";
import { fixture, type ParserCase, parserCases } from "../../helpers/workload_parsers.ts";

const CASES: readonly ParserCase[] = [
  {
    name: "modelled end-of-run report",
    text: fixture("mutilate/modelled_plain.txt"),
    expected: {
      read_avg: 512.4,
      read_p90: 690.7,
      read_p95: 751.3,
      read_p99: 902.6,
      update_avg: 530.8,
      update_p90: 712.5,
      update_p95: 774.9,
      update_p99: 930.2,
      qps: 81234.7,
    },
  },
  {
    name: "modelled --scan rows: the latest step",
    text: fixture("mutilate/modelled_scan.txt"),
    expected: {
      scan_read_avg: 66.9,
      scan_read_p90: 34,
      scan_read_p95: 41.7,
      scan_read_p99: 622.8,
      scan_qps: 10010.4,
    },
  },
  {
    name: "a row cut short gives nothing",
    text:
      "#type       avg     std     min     5th    10th    90th    95th    99th\nread      801.9   155.0   304.5",
    expected: {},
  },
  {
    name: "a read row before any header gives nothing",
    text: "read 801.9 155.0 304.5 643.7 661.1 1017.8 1128.2 1386.5\n",
    expected: {},
  },
  {
    name: "garbage figures are skipped, the rest kept",
    text:
      "#type avg std min 5th 10th 90th 95th 99th\nread 80x.9 155.0 304.5 643.7 661.1 1017.8 ??? 1386.5\n" +
      "Total QPS = garbage\n",
    expected: { read_p90: 1017.8, read_p99: 1386.5 },
  },
];

parserCases("mutilate", parser, CASES);
