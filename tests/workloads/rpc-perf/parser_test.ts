import { parser } from "../../../workloads/rpc-perf/parser.ts";
import { fixture, type ParserCase, parserCases } from "../../helpers/workload_parsers.ts";

const CASES: readonly ParserCase[] = [
  {
    name: "modelled rpc-perf 2.x window summary",
    text: fixture("rpc-perf/modelled_2.x_window.txt"),
    expected: {
      rate: 20047.12,
      success: 99.96,
      hit_rate: 25,
      min: 52,
      p50: 371,
      p90: 702,
      p99: 1810,
      p999: 5120,
      p9999: 9730,
      max: 10211,
    },
  },
  {
    name: "no space after a percentile's colon (as in the seeds' example)",
    text:
      "2018-09-13 08:15:43.404 INFO  [rpc-perf] Percentiles: Response OK (us): min: 47 p99:86436 max: 89657\n",
    expected: { min: 47, p99: 86436, max: 89657 },
  },
  {
    name: "a percentiles line cut short keeps the whole figures before the cut",
    text: "2018-09-13 08:15:43.404 INFO  [rpc-perf] Percentiles: Response OK (us): min: 47 p50: 389 p9",
    expected: { min: 47, p50: 389 },
  },
  {
    name: "figures are read whole: an exponent counts, hex and out-of-range values give nothing",
    text: "2018-09-13 08:15:43.404 INFO  [rpc-perf] Rate: 1.5e3 rps Success: 0x1F % Hit Rate: 1e999 %\n" +
      "2018-09-13 08:15:43.404 INFO  [rpc-perf] Percentiles: Response OK (us): min: 4.7E+1 p50: 0x1F max: 1e999\n",
    expected: { rate: 1500, min: 47 },
  },
  {
    name: "other summary lines and garbage give nothing",
    text: "2018-09-13 08:15:43.404 INFO  [rpc-perf] Responses: Ok: 15793 Error: 0 Hit: 3144\n" +
      "Rate: 5 rps\n\ufffd\ufffd [rpc-perf] Rate: x rps\n",
    expected: {},
  },
];

parserCases("rpc-perf", parser, CASES);
