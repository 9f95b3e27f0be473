/**
 * The seeds' service-level metrics, added to each batch the parser returns: `slo`, `sli` and
 * `sli_normalized` when the batch holds the SLI metric; `peak_load`, `load` and `load_normalized` when
 * it holds the load metric, or in every batch when the load metric is `const`.
 */
import type { Labels, Metric } from "../metrics/metric.ts";

export interface ServiceLevelOptions {
  readonly slo: number;
  readonly sliMetricName: string | undefined;
  readonly inverseSliMetricValue: boolean;
  readonly peakLoad: number | undefined;
  readonly loadMetricName: string | undefined;
}

function gauge(name: string, value: number, labels: Labels, help: string): Metric {
  return { name, value, labels, type: "gauge", help };
}

function loadMetrics(load: number, peak: number, labels: Labels, source: string): Metric[] {
  return [
    gauge("peak_load", peak, labels, "Expected maximum load (--peak_load)"),
    gauge("load", load, labels, `Load, from ${source}`),
    gauge("load_normalized", load / peak, labels, `Load divided by peak_load, from ${source}`),
  ];
}

/** The service-level metrics for one batch (empty when the batch has neither SLI nor load). */
export function serviceLevelMetrics(
  batch: readonly Metric[],
  options: ServiceLevelOptions,
  labels: Labels,
): Metric[] {
  const out: Metric[] = [];
  const sliName = options.sliMetricName;
  const sli = sliName === undefined ? undefined : batch.findLast((m) => m.name === sliName);
  if (sli && sliName !== undefined) {
    const value = options.inverseSliMetricValue ? 1 / sli.value : sli.value;
    out.push(
      gauge("slo", options.slo, labels, `Service Level Objective based on ${sliName} metric`),
      gauge("sli", value, labels, `Service Level Indicator based on ${sliName} metric`),
      gauge(
        "sli_normalized",
        value / options.slo,
        labels,
        `Normalized Service Level Indicator based on ${sliName} metric and SLO`,
      ),
    );
  }
  const loadName = options.loadMetricName;
  const peak = options.peakLoad;
  if (loadName === undefined || peak === undefined) return out;
  if (loadName === "const") {
    out.push(...loadMetrics(peak, peak, labels, "--load_metric_name const (always peak_load)"));
  } else {
    const load = batch.findLast((m) => m.name === loadName);
    if (load) out.push(...loadMetrics(load.value, peak, labels, `${loadName} metric`));
  }
  return out;
}
