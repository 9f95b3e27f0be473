/** wca_warning_count{module} and wca_error_count{module}: how often each module complained. */
import { type Metric, metric } from "../metrics/metric.ts";
import type { LogHub } from "./hub.ts";

export function logCountMetrics(hub: LogHub): Metric[] {
  return hub.counts().flatMap(({ module, warnings, errors }) => [
    metric("wca_warning_count", warnings, { module }, { type: "counter" }),
    metric("wca_error_count", errors, { module }, { type: "counter" }),
  ]);
}
