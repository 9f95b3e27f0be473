import { parser } from "../../../workloads/specjbb/parser.ts";
import { fixture, type ParserCase, parserCases } from "../../helpers/workload_parsers.ts";

const BLOCK = "         Response times:\n" +
  "             Request,    Success,    Partial,     Failed,   SkipFail,     Probes,    Samples,      min,      p50,      p90,      p95,      p99,      max, \n";

const CASES: readonly ParserCase[] = [
  {
    name: "modelled SPECjbb2015 controller output: the latest TotalPurchase row",
    text: fixture("specjbb/modelled_2015_performance_info.txt"),
    expected: {
      min_total_purchase: 800,
      p50_total_purchase: 3900,
      p90_total_purchase: 91000,
      p95_total_purchase: 199000,
      p99_total_purchase: 431000,
      max_total_purchase: 870000,
    },
  },
  {
    name: "a TotalPurchase row cut short gives nothing",
    text: BLOCK + "       TotalPurchase,      58002,          0,          0,",
    expected: {},
  },
  {
    name: "a TotalPurchase row outside a Response times block gives nothing",
    text:
      "       TotalPurchase,      58002,          0,          0,          0,      55410,      96120,      900,     4100,    98000,   210000,   455000,   902000,\n",
    expected: {},
  },
  {
    name: "garbage in a cell skips that cell only",
    text: BLOCK +
      "       TotalPurchase,      58002,          0,          0,          0,      55410,      96120,      900,     4100,    98000,   2x0000,   455000,   ---,\n",
    expected: {
      min_total_purchase: 900,
      p50_total_purchase: 4100,
      p90_total_purchase: 98000,
      p99_total_purchase: 455000,
    },
  },
  {
    name: "a block without its header gives nothing",
    text: "         Response times:\n\u0000garbage, 1, 2\nTotalPurchase, 1, 2\n",
    expected: {},
  },
];

parserCases("SPECjbb", parser, CASES);
