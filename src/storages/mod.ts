/** Public surface of the storages folder. */
export {
  dropLabels,
  LogStorage,
  type LogStorageIo,
  type LogStorageParams,
  replaceFileAtomically,
} from "./log_storage.ts";
export {
  filterByName,
  FilterStorage,
  type FilterStorageParams,
  StorageAggregateError,
} from "./filter_storage.ts";
export { HTTPMetricsStorage, type HTTPMetricsStorageParams, ListenError } from "./http_storage.ts";
