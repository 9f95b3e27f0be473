/** What `wca` runs without -c: measure every discovered cgroup and print to standard error. */
export const DEFAULT_CONFIG_NAME = "<built-in default config>";

export const DEFAULT_CONFIG = `runner: !MeasurementRunner
  node: !CgroupNode
  metrics_storage: !LogStorage
`;
