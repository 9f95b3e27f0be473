import assert from "node:assert/strict";
import type { Metric } from "../../src/metrics/metric.ts";
import { serviceLevelMetrics, type ServiceLevelOptions } from "../../src/wrapper/service_level.ts";

const LABELS = { workload: "w" };
const BATCH: Metric[] = [
  { name: "stress_ng_bogo_ops", value: 250, labels: LABELS },
  { name: "qps", value: 500, labels: LABELS },
];
const NONE: ServiceLevelOptions = {
  slo: Infinity,
  sliMetricName: undefined,
  inverseSliMetricValue: false,
  peakLoad: undefined,
  loadMetricName: undefined,
};

function values(options: Partial<ServiceLevelOptions>, batch = BATCH): Record<string, number> {
  const out = serviceLevelMetrics(batch, { ...NONE, ...options }, LABELS);
  for (const metric of out) assert.deepEqual(metric.labels, LABELS);
  return Object.fromEntries(out.map((m) => [m.name, m.value]));
}

const CASES: ReadonlyArray<[string, Partial<ServiceLevelOptions>, Record<string, number>]> = [
  ["nothing asked, nothing added", {}, {}],
  ["SLI and SLO (the seeds' example)", { slo: 1000, sliMetricName: "stress_ng_bogo_ops" }, {
    slo: 1000,
    sli: 250,
    sli_normalized: 0.25,
  }],
  ["SLI without --slo: normalized against +inf", { sliMetricName: "qps" }, {
    slo: Infinity,
    sli: 500,
    sli_normalized: 0,
  }],
  ["inverse SLI", { slo: 0.01, sliMetricName: "qps", inverseSliMetricValue: true }, {
    slo: 0.01,
    sli: 0.002,
    sli_normalized: 0.2,
  }],
  ["SLI not in this batch", { slo: 10, sliMetricName: "p99" }, {}],
  ["load from a metric", { peakLoad: 1000, loadMetricName: "qps" }, {
    peak_load: 1000,
    load: 500,
    load_normalized: 0.5,
  }],
  ["const load", { peakLoad: 7, loadMetricName: "const" }, { peak_load: 7, load: 7, load_normalized: 1 }],
];

for (const [name, options, expected] of CASES) {
  Deno.test(`service level: ${name}`, () => assert.deepEqual(values(options), expected));
}
