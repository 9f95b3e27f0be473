export {
  anomalyMetrics,
  AnomalyStatistics,
  type AnomalyStatisticsState,
  anomalyUuid,
  LABEL_WORKLOAD_INSTANCE,
  nextAnomalyStatistics,
  WORKLOAD_NOT_FOUND,
} from "./anomaly_metrics.ts";
export { checkAnomaly, checkDetectionResult, checkMetric, PluginResultError } from "./check_result.ts";
export { NOPAnomalyDetector } from "./nop.ts";
