/** A Storage that keeps every batch in memory, for tests that look at what a runner stored. */
import type { Storage } from "../../src/components/interfaces.ts";
import type { Metric } from "../../src/metrics/metric.ts";

export class MemoryStorage implements Storage {
  readonly #batches: (readonly Metric[])[] = [];
  #closed = 0;

  store(metrics: readonly Metric[]): void {
    this.#batches.push(Object.freeze([...metrics]));
  }

  close(): void {
    this.#closed++;
  }

  /** Every batch stored so far, oldest first. */
  get batches(): readonly (readonly Metric[])[] {
    return this.#batches;
  }

  /** How many times close() was called. */
  get closed(): number {
    return this.#closed;
  }

  /** The last batch; throws when nothing was stored yet. */
  latest(): readonly Metric[] {
    const batch = this.#batches.at(-1);
    if (!batch) throw new Error("MemoryStorage: nothing stored yet");
    return batch;
  }
}

/** The metrics named `name` whose labels include every pair of `labels`. */
export function select(
  metrics: readonly Metric[],
  name: string,
  labels: Readonly<Record<string, string>> = {},
): Metric[] {
  return metrics.filter((m) =>
    m.name === name && Object.entries(labels).every(([key, value]) => m.labels[key] === value)
  );
}

/** The value of the one metric `name` of task `taskId`, or undefined when the batch has none. */
export function taskValue(metrics: readonly Metric[], name: string, taskId: string): number | undefined {
  const found = select(metrics, name, { task_id: taskId });
  if (found.length > 1) throw new Error(`${found.length} metrics ${name} for task ${taskId}, expected one`);
  return found[0]?.value;
}

/** Task ids that have a `name` metric in the batch. */
export function taskIds(metrics: readonly Metric[], name = "task_up"): Set<string> {
  return new Set(select(metrics, name).map((m) => m.labels.task_id).filter((id) => id !== undefined));
}
