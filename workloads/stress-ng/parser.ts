/**
 * stress-ng: the --metrics-brief (or --metrics) summary, one line per stressor, printed on stderr at
 * the end of a run (stress-ng 0.15 prefixes it `stress-ng: metrc:`, 0.09–0.14 `stress-ng: info:`):
 *
 *   stress-ng: metrc: [23998] cpu                3629      2.00      1.99      0.01      1812.49        1811.22
 *
 * Each line gives bogo_ops, real_time, user_time, system_time, bogo_ops_per_second_real_time and
 * bogo_ops_per_second_usr_sys_time (the seeds' names) with a `stressor` label, so a run of several
 * stressors keeps them apart. The per-second lines of the seeds' patched stress-ng (0.09: `Time T,
 * counter=N`; 0.10: `Time T, counter N, diff D`) give bogo_ops_counter and, with a diff, bogo_ops_gauge
 * (the bogo ops of that second), with an `id_proc_stress_ng` label. The seeds also labelled them with
 * `stress_ng_time` (T): a new series every second, left out here.
 */
import {
  lineParser,
  type Metric,
  type MetricMaker,
  parseNumber,
  wrapperMain,
} from "../../src/wrapper/mod.ts";

const NUM = String.raw`[0-9.]+(?:[eE][+-]?\d+)?`;
const SUMMARY = new RegExp(
  String
    .raw`^stress-ng: (?:metrc|info): +\[\d+\] +([a-z][a-z0-9-]*) +(${NUM}) +(${NUM}) +(${NUM}) +(${NUM}) +(${NUM}) +(${NUM})(?: +${NUM})*\s*$`,
);
const COUNTER = /^stress-ng: info: +\[(\d+)\] Time \d+, counter(?:=| )(\d+)(?:, diff (\d+))?\s*$/;

const COLUMNS = [
  ["bogo_ops", "Summary bogo ops"],
  ["real_time", "Summary real_time (secs)"],
  ["user_time", "Summary user_time (secs)"],
  ["system_time", "Summary system_time (secs)"],
  ["bogo_ops_per_second_real_time", "Summary bogo ops/s real time"],
  ["bogo_ops_per_second_usr_sys_time", "Summary bogo ops/s usr+sys time"],
] as const;

function parseLine(line: string, make: MetricMaker): Metric[] {
  const summary = SUMMARY.exec(line);
  if (summary) {
    const values = summary.slice(2, 8).map((text) => parseNumber(text));
    if (values.some((value) => value === undefined)) return [];
    return COLUMNS.map(([name, help], i) => make.gauge(name, values[i]!, help, { stressor: summary[1]! }));
  }
  const counter = COUNTER.exec(line);
  if (counter) {
    const labels = { id_proc_stress_ng: counter[1]! };
    const found = [
      make.counter(
        "bogo_ops_counter",
        Number(counter[2]),
        "Counter bogo ops per proc stress-ng, updated per 1 sec",
        labels,
      ),
    ];
    if (counter[3] !== undefined) {
      found.push(
        make.gauge(
          "bogo_ops_gauge",
          Number(counter[3]),
          "Gauge bogo ops per proc stress-ng, updated per 1 sec",
          labels,
        ),
      );
    }
    return found;
  }
  return [];
}

export const parser = lineParser({
  name: "stress-ng",
  description: "stress-ng: bogo ops and times per stressor from the --metrics-brief summary (stress-ng " +
    "0.09-0.15, on stderr).",
  defaultStream: 1,
  perLine: (make) => (line) => parseLine(line, make),
});

if (import.meta.main) await wrapperMain(parser);
