/** Public surface of the metrics folder: the Metric model, the catalog, the Prometheus encoder. */
export { type Labels, type Metric, metric, type MetricType } from "./metric.ts";
export {
  type Catalog,
  type CatalogEntry,
  catalogNames,
  lookupMetric,
  METRIC_CATALOG,
  withCatalog,
} from "./catalog.ts";
export {
  compareNatural,
  encodeMetrics,
  type EncodeOptions,
  escapeHelp,
  escapeLabelValue,
  formatValue,
  LABEL_NAME_PATTERN,
  METRIC_NAME_PATTERN,
  MetricEncodingError,
} from "./prometheus.ts";
export { renderMetricsDoc } from "./docs.ts";
