/**
 * FilterStorage: passes the metrics whose names are listed in `filter` (all, when absent) to each of
 * several storages. One failing storage does not keep the batch from the others.
 */
import type { Storage } from "../components/interfaces.ts";
import { StorageInterface } from "../components/interfaces.ts";
import { component, listOf, params, text, type z } from "../config/schema.ts";
import type { Metric } from "../metrics/metric.ts";

const schema = params({
  storages: listOf(component<Storage>(StorageInterface), 100).describe(
    "Storages that receive the filtered metrics.",
  ),
  filter: listOf(text(256), 10_000).optional().describe(
    "Names of the metrics to pass on; absent: all metrics.",
  ),
});

export type FilterStorageParams = z.input<typeof schema>;

/** What went wrong in several storages at once; `errors[i]` belongs to `storageIndexes[i]`. */
export class StorageAggregateError extends AggregateError {
  override readonly name = "StorageAggregateError";
  readonly storageIndexes: readonly number[];

  constructor(
    action: string,
    failures: readonly { index: number; storage: Storage; error: unknown }[],
    total: number,
  ) {
    const details = failures.map(({ index, storage, error }) => {
      const name = storage.constructor?.name ?? "storage";
      const message = error instanceof Error ? error.message : String(error);
      // An error that already names its storage ("LogStorage: …") is not prefixed twice.
      return `[${index}] ${message.startsWith(`${name}:`) ? message : `${name}: ${message}`}`;
    });
    super(
      failures.map((f) => f.error),
      `FilterStorage: ${action} failed in ${failures.length} of ${total} storages: ${details.join("; ")}`,
    );
    this.storageIndexes = failures.map((f) => f.index);
  }
}

/** The metrics whose name is in `names`; with no `names`, the argument itself. */
export function filterByName(
  metrics: readonly Metric[],
  names: ReadonlySet<string> | undefined,
): readonly Metric[] {
  return names === undefined ? metrics : metrics.filter((metric) => names.has(metric.name));
}

/** One metric per name and label set, values added: two storages writing to stderr are one series. */
export function sumSameSeries(metrics: readonly Metric[]): Metric[] {
  const series = new Map<string, Metric>();
  for (const m of metrics) {
    const key = JSON.stringify([m.name, Object.entries(m.labels).sort(([a], [b]) => a < b ? -1 : 1)]);
    const seen = series.get(key);
    series.set(key, seen ? { ...seen, value: seen.value + m.value } : m);
  }
  return [...series.values()];
}

/** Calls `action` on every storage, concurrently; throws once all settled if any failed. */
async function forEachStorage(
  storages: readonly Storage[],
  action: string,
  call: (storage: Storage) => Promise<void> | void,
): Promise<void> {
  // Promise.resolve().then(...) turns a synchronous throw into a rejection, so it cannot skip the rest.
  const results = await Promise.allSettled(
    storages.map((storage) => Promise.resolve().then(() => call(storage))),
  );
  const failures = results.flatMap((result, index) =>
    result.status === "rejected" ? [{ index, storage: storages[index]!, error: result.reason }] : []
  );
  if (failures.length > 0) throw new StorageAggregateError(action, failures, storages.length);
}

export class FilterStorage implements Storage {
  static readonly schema = schema;
  static readonly description = "Passes the metrics named in a filter (or all) to several storages.";

  readonly #storages: readonly Storage[];
  readonly #names: ReadonlySet<string> | undefined;
  #closed = false;

  constructor(params: FilterStorageParams) {
    const parsed = schema.parse(params);
    this.#storages = Object.freeze([...parsed.storages]);
    this.#names = parsed.filter === undefined ? undefined : new Set(parsed.filter);
  }

  /** Every storage gets the same (frozen) filtered list; errors are collected and thrown together. */
  async store(metrics: readonly Metric[]): Promise<void> {
    const filtered = Object.freeze(filterByName(metrics, this.#names).slice());
    await forEachStorage(this.#storages, "store", (storage) => storage.store(filtered));
  }

  /** Every storage's health metrics (unfiltered: they describe the storages, not the measurements). */
  healthMetrics(): Metric[] {
    return sumSameSeries(this.#storages.flatMap((storage) => storage.healthMetrics?.() ?? []));
  }

  /** Closes every storage once; later calls do nothing. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await forEachStorage(this.#storages, "close", (storage) => storage.close?.());
  }
}
