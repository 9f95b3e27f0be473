import { parser } from "../../../workloads/cassandra-stress/parser.ts";
import { fixture, type ParserCase, parserCases } from "../../helpers/workload_parsers.ts";

const HEADER =
  "type       total ops,    op/s,    pk/s,   row/s,    mean,     med,     .95,     .99,    .999,     max,   time,   stderr, errors,  gc: #,  max ms,  sum ms,  sdv ms,      mb\n";

const CASES: readonly ParserCase[] = [
  {
    name: "modelled cassandra-stress 3.11: progress rows, then the Results block wins",
    text: fixture("cassandra-stress/modelled_3.11_write.txt"),
    expected: { qps: 14997, p95: 0.4, p99: 74, p999: 146.8 },
  },
  {
    name: "progress rows alone: the latest",
    text: fixture("cassandra-stress/modelled_3.11_write.txt").split("Results:")[0]!,
    expected: { qps: 15315, p95: 8.1, p99: 17.9, p999: 40.3 },
  },
  {
    name: "a progress row cut short gives nothing",
    text: HEADER + "total,         12403,   12403,   12403,   12403,     3.1,",
    expected: {},
  },
  {
    name: "garbage figures are skipped",
    text: HEADER +
      "total,         12403,   1x403,   12403,   12403,     3.1,     1.6,     9.8,    21.4,    48.2,    77.0,    1.0,  0.00000,      0,      0,       0,       0,       0,       0\n" +
      "Op rate                   :   garbage op/s\nLatency 99th percentile   :   NaN ms\n",
    expected: { p95: 9.8, p99: 21.4, p999: 48.2 },
  },
  {
    name: "rows before the header and binary noise give nothing",
    text: "total, 1, 2, 3\n\u0000\u00ff\n",
    expected: {},
  },
];

parserCases("cassandra-stress", parser, CASES);
