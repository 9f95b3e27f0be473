import assert from "node:assert/strict";
import { parser } from "../../../workloads/stress-ng/parser.ts";
import { fixture, type ParserCase, parserCases } from "../../helpers/workload_parsers.ts";

const CASES: readonly ParserCase[] = [
  {
    name: "real stress-ng 0.15.06 --metrics-brief, one stressor",
    text: fixture("stress-ng/real_0.15.06_cpu_metrics_brief.txt"),
    expected: {
      'bogo_ops{stressor="cpu"}': 342,
      'real_time{stressor="cpu"}': 1.04,
      'user_time{stressor="cpu"}': 0.21,
      'system_time{stressor="cpu"}': 0,
      'bogo_ops_per_second_real_time{stressor="cpu"}': 330.34,
      'bogo_ops_per_second_usr_sys_time{stressor="cpu"}': 1627.15,
    },
  },
  {
    name: "real stress-ng 0.15.06 --metrics, two stressors with the extra CPU and RSS columns",
    text: fixture("stress-ng/real_0.15.06_cpu_vm_metrics.txt"),
    expected: {
      'bogo_ops{stressor="cpu"}': 200,
      'real_time{stressor="cpu"}': 1,
      'user_time{stressor="cpu"}': 0.14,
      'system_time{stressor="cpu"}': 0,
      'bogo_ops_per_second_real_time{stressor="cpu"}': 199.88,
      'bogo_ops_per_second_usr_sys_time{stressor="cpu"}': 1389.19,
      'bogo_ops{stressor="vm"}': 5376,
      'real_time{stressor="vm"}': 1,
      'user_time{stressor="vm"}': 0.27,
      'system_time{stressor="vm"}': 0.08,
      'bogo_ops_per_second_real_time{stressor="vm"}': 5393.13,
      'bogo_ops_per_second_usr_sys_time{stressor="vm"}': 15351.62,
    },
  },
  {
    name: "modelled stress-ng 0.09.28 (info: prefix) and the patched per-second counters",
    text: fixture("stress-ng/modelled_0.09.28_metrics_brief.txt"),
    expected: {
      'bogo_ops_counter{id_proc_stress_ng="114"}': 304,
      'bogo_ops_counter{id_proc_stress_ng="115"}': 282,
      'bogo_ops{stressor="cpu"}': 4810,
      'real_time{stressor="cpu"}': 6.01,
      'user_time{stressor="cpu"}': 11.92,
      'system_time{stressor="cpu"}': 0.03,
      'bogo_ops_per_second_real_time{stressor="cpu"}': 800.33,
      'bogo_ops_per_second_usr_sys_time{stressor="cpu"}': 402.51,
      'bogo_ops{stressor="stream"}': 2250,
      'real_time{stressor="stream"}': 6.01,
      'user_time{stressor="stream"}': 40.81,
      'system_time{stressor="stream"}': 0.39,
      'bogo_ops_per_second_real_time{stressor="stream"}': 374.12,
      'bogo_ops_per_second_usr_sys_time{stressor="stream"}': 54.61,
    },
  },
  {
    name:
      "modelled stress-ng 0.10.08 patched per-second lines (counter N, diff D), as the seeds' parser shows",
    text: "stress-ng: info:  [25] Time 1572363779, counter 425, diff 61\n" +
      "stress-ng: info:  [27] Time 1572363779, counter 426, diff 61\n" +
      "stress-ng: info:  [25] Time 1572363780, counter 485, diff 60\n" +
      "stress-ng: info:  [23] stress-ng-stream: memory rate: 3852.67 MB/sec, 1541.07 Mflop/sec (instance 0)\n",
    expected: {
      'bogo_ops_counter{id_proc_stress_ng="25"}': 485,
      'bogo_ops_gauge{id_proc_stress_ng="25"}': 60,
      'bogo_ops_counter{id_proc_stress_ng="27"}': 426,
      'bogo_ops_gauge{id_proc_stress_ng="27"}': 61,
    },
  },
  {
    name: "a per-second line cut inside its diff gives nothing",
    text: "stress-ng: info:  [25] Time 1572363779, counter 425, dif",
    expected: {},
  },
  {
    name: "scientific notation (--sn)",
    text: "stress-ng: metrc: [7] cpu 3.629e+03 2.00 1.99 0.01 1.81e+03 1.81e+03\n",
    expected: {
      'bogo_ops{stressor="cpu"}': 3629,
      'real_time{stressor="cpu"}': 2,
      'user_time{stressor="cpu"}': 1.99,
      'system_time{stressor="cpu"}': 0.01,
      'bogo_ops_per_second_real_time{stressor="cpu"}': 1810,
      'bogo_ops_per_second_usr_sys_time{stressor="cpu"}': 1810,
    },
  },
  {
    name: "a summary line cut short (the workload was killed mid-write) gives nothing",
    text: "stress-ng: metrc: [31805] cpu                 342      1.04      0.21",
    expected: {},
  },
  {
    name: "the header lines and other messages give nothing",
    text: "stress-ng: metrc: [1] stressor       bogo ops real time  usr time  sys time   bogo ops/s\n" +
      "stress-ng: metrc: [1]                           (secs)    (secs)    (secs)   (real time)\n" +
      "stress-ng: info:  [1] successful run completed in 1.07s\n",
    expected: {},
  },
  {
    name: "garbage: binary noise, a figure that is not a number, an empty line",
    text: "\u0000\u00ff\ufffd garbage\n\nstress-ng: metrc: [1] cpu 34x2 1.04 0.21 0.00 330.34 1627.15\n" +
      "stress-ng: metrc: [1] cpu 1.2.3 1.04 0.21 0.00 330.34 1627.15\n",
    expected: {},
  },
];

parserCases("stress-ng", parser, CASES);

Deno.test("stress-ng parser: the prefix goes before every name, and only the current lines count", () => {
  const parse = parser.create({
    labels: { workload: "w" },
    metricNamePrefix: "stress_ng_",
    regexp: /x/g,
    separator: undefined,
  });
  const line = "stress-ng: metrc: [1] cpu 342 1.04 0.21 0.00 330.34 1627.15";
  assert.equal(
    parse([line]).map((m) => m.name).join(" "),
    [
      "stress_ng_bogo_ops",
      "stress_ng_real_time",
      "stress_ng_user_time",
      "stress_ng_system_time",
      "stress_ng_bogo_ops_per_second_real_time",
      "stress_ng_bogo_ops_per_second_usr_sys_time",
    ].join(" "),
  );
  assert.deepEqual(parse(["stress-ng: info:  [1] successful run completed in 1.07s"]), []);
});
