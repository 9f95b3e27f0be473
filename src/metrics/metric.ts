/** The one data shape every measurement, anomaly and allocation becomes before it is stored. */

export type MetricType = "gauge" | "counter";

export type Labels = Readonly<Record<string, string>>;

export interface Metric {
  readonly name: string;
  readonly value: number;
  readonly labels: Labels;
  /** Filled from the metric catalog when absent. */
  readonly type?: MetricType;
  readonly help?: string;
  /** Unit as a word ("seconds", "bytes"), informational; Prometheus names already carry it. */
  readonly unit?: string;
  /** Milliseconds since the epoch; storages decide whether to print it. */
  readonly timestamp?: number;
}

/** Builds a metric; unfrozen labels are copied so later mutation of the argument cannot leak in. */
export function metric(
  name: string,
  value: number,
  labels: Record<string, string> = {},
  extra: Partial<Pick<Metric, "type" | "help" | "unit" | "timestamp">> = {},
): Metric {
  // A frozen labels object cannot change under us, and sharing it lets encoders reuse its label text.
  return { name, value, labels: Object.isFrozen(labels) ? labels : { ...labels }, ...extra };
}
