/**
 * The bounded buffer between KafkaStorage.store() and the broker: batches wait here, oldest first, until
 * they are acknowledged. When a new batch does not fit in `maxBytes`, the oldest waiting batches are
 * dropped to make room (fresh measurements are worth more than old ones after an outage), never the
 * batch being sent; each drop is counted in samples. A batch is dropped whole, so no half batch is ever
 * delivered. Pure bookkeeping: no I/O, no timers.
 */
import type { Chunk } from "./messages.ts";

export interface Batch {
  readonly id: string;
  readonly chunks: readonly Chunk[];
  readonly bytes: number;
  readonly samples: number;
}

export interface Dropped {
  readonly batches: number;
  readonly samples: number;
}

export function makeBatch(id: string, chunks: readonly Chunk[]): Batch {
  let bytes = 0;
  let samples = 0;
  for (const chunk of chunks) {
    bytes += chunk.bytes.length;
    samples += chunk.samples;
  }
  return { id, chunks, bytes, samples };
}

export class Outbox {
  readonly #maxBytes: number;
  readonly #batches: Batch[] = [];
  #bytes = 0;
  #sending: Batch | undefined;
  #droppedSamples = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Queues `batch`, dropping the oldest waiting batches (or `batch` itself, if it alone is too big). */
  push(batch: Batch): Dropped {
    let batches = 0;
    let samples = 0;
    const drop = (victim: Batch) => {
      batches++;
      samples += victim.samples;
    };
    if (batch.bytes > this.#maxBytes) {
      drop(batch);
    } else {
      // The batch being sent stays: it may be on its way already.
      const keep = this.#sending ? 1 : 0;
      while (this.#bytes + batch.bytes > this.#maxBytes && this.#batches.length > keep) {
        const [victim] = this.#batches.splice(keep, 1);
        this.#bytes -= victim!.bytes;
        drop(victim!);
      }
      if (this.#bytes + batch.bytes > this.#maxBytes) {
        drop(batch);
      } else {
        this.#batches.push(batch);
        this.#bytes += batch.bytes;
      }
    }
    this.#droppedSamples += samples;
    return { batches, samples };
  }

  /** The oldest batch, marked as being sent (so it is not dropped) until `sent()` or `failed()`. */
  next(): Batch | undefined {
    this.#sending = this.#batches[0];
    return this.#sending;
  }

  /** The batch from `next()` was acknowledged: it leaves the buffer. */
  sent(): void {
    if (!this.#sending) return;
    this.#batches.shift();
    this.#bytes -= this.#sending.bytes;
    this.#sending = undefined;
  }

  /** The batch from `next()` was not acknowledged: it stays first in line, and may be dropped again. */
  failed(): void {
    this.#sending = undefined;
  }

  /** Empties the buffer (at shutdown), counting what it held as dropped. */
  clear(): Dropped {
    const dropped = { batches: this.#batches.length, samples: this.samples };
    this.#droppedSamples += dropped.samples;
    this.#batches.length = 0;
    this.#bytes = 0;
    this.#sending = undefined;
    return dropped;
  }

  has(batch: Batch): boolean {
    return this.#batches.includes(batch);
  }

  get maxBytes(): number {
    return this.#maxBytes;
  }

  get batches(): number {
    return this.#batches.length;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Samples waiting. */
  get samples(): number {
    return this.#batches.reduce((sum, b) => sum + b.samples, 0);
  }

  /** Samples dropped since the start: wca_storage_dropped_metrics_total. */
  get droppedSamples(): number {
    return this.#droppedSamples;
  }
}
