import { parser } from "../../../workloads/ycsb/parser.ts";
import { fixture, type ParserCase, parserCases } from "../../helpers/workload_parsers.ts";

const STATUS = "2024-03-04 10:15:30:098 10 sec: 48213 operations; 4821.3 current ops/sec; est completion " +
  "in 3 minutes [READ: Count=24101, Max=9871, Min=181, Avg=402.7, 90=612, 99=1403, 99.9=4011, 99.99=8127]";

const CASES: readonly ParserCase[] = [
  {
    name: "modelled YCSB 0.17.0 status lines: the latest of each figure",
    text: fixture("ycsb/modelled_0.17.0_status.txt"),
    expected: {
      operations: 97590,
      ops_per_sec: 4937.7,
      read_avg: 391.2,
      read_p90: 598,
      read_p99: 1322,
      read_p999: 3890,
      read_p9999: 7003,
      update_avg: 440.5,
      update_p90: 671,
      update_p99: 1544,
      update_p999: 4210,
      update_p9999: 9011,
    },
  },
  {
    name: "the first status line, before any operation",
    text: "2024-03-04 10:15:20:101 0 sec: 0 operations; est completion in 0 second\n",
    expected: { operations: 0 },
  },
  {
    name: "a status line cut inside the READ bracket keeps what is whole",
    text: STATUS.slice(0, STATUS.indexOf("Avg=") + 6),
    expected: { operations: 48213, ops_per_sec: 4821.3 },
  },
  {
    name: "a figure that is not a number is skipped, the rest kept",
    text: STATUS.replace("99=1403", "99=14x3").replace("Avg=402.7", "Avg=NaN"),
    expected: { operations: 48213, ops_per_sec: 4821.3, read_p90: 612, read_p999: 4011, read_p9999: 8127 },
  },
  {
    name: "garbage and the summary lines give nothing",
    text: "[OVERALL], RunTime(ms), 200013\n\u0000\u0001 operations; sec:\n",
    expected: {},
  },
];

parserCases("YCSB", parser, CASES);
