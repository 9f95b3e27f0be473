/**
 * KafkaStorage: sends each batch, as Prometheus text with timestamps, to a Kafka topic (WCA's component,
 * with its parameters).
 *
 * A broker outage never stops the agent: store() queues the batch in a bounded buffer (outbox.ts) and
 * waits at most `max_timeout_in_seconds` for it to be acknowledged (not at all while the brokers are known
 * to be away), and one background sender delivers the buffer in order, retrying with back-off. When the
 * buffer is full the oldest batches are dropped, counted in wca_storage_dropped_metrics_total and logged
 * once per outage. close() keeps sending for `close_timeout_in_seconds` and says what it could not deliver.
 *
 * A batch larger than `max_message_bytes` is split at metric-family boundaries (messages.ts); its messages
 * carry the headers `wca-batch` (batch id) and `wca-part` (`i/n`), so a reader can put it together again,
 * and the key is the host name, so one agent's messages stay in one partition, in order.
 *
 * One producer per instance: a storage shared through a YAML anchor (`metrics_storage: &kafka
 * !KafkaStorage …`, `anomalies_storage: *kafka`) shares its connection. It can be built in code too:
 * `new KafkaStorage({ topic: "wca", brokers_ips: ["kafka:9092"] })`.
 */
import type { ComponentContext } from "../../components/component.ts";
import type { Storage } from "../../components/interfaces.ts";
import type { TlsOptions } from "../../components/ssl.ts";
import { FieldError } from "../../config/errors.ts";
import { getLogger, type Logger } from "../../logging/mod.ts";
import { type Metric, metric } from "../../metrics/metric.ts";
import { checkNow, MetricsEncoder } from "../../metrics/prometheus.ts";
import type { KafkaProducer, OutgoingMessage, ProducerOptions } from "./client.ts";
import { lazyKafkajsProducer } from "./lazy_producer.ts";
import { splitAtFamilies } from "./messages.ts";
import { type Batch, type Dropped, makeBatch, Outbox } from "./outbox.ts";
import { type ClientTuning, type KafkaStorageParams, kafkaStorageSchema, tuningFrom } from "./params.ts";

export const BATCH_HEADER = "wca-batch";
export const PART_HEADER = "wca-part";

/** Seams for tests and for code that builds the storage itself. */
export interface KafkaStorageIo {
  /** The client; default: kafkajs. */
  producer?: (options: ProducerOptions) => KafkaProducer;
  now?: () => number;
  /** Message key and default client id; default: Deno.hostname(). */
  hostname?: string;
  log?: Logger;
}

/** An unreachable-brokers or full-buffer episode, logged once when it starts and once when it ends. */
interface Outage {
  readonly since: number;
  failed: boolean;
  reason: string;
  dropped: { batches: number; samples: number };
}

function sleep(ms: number, wake: (resolve: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Waits for `work` at most `ms`; whatever comes first. */
async function within(ms: number, work: Promise<unknown> | undefined): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([work, new Promise<void>((resolve) => timer = setTimeout(resolve, ms))]);
  clearTimeout(timer);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class KafkaStorage implements Storage {
  static readonly schema = kafkaStorageSchema;
  static readonly description = "Sends metrics in the Prometheus text format to a Kafka topic.";

  readonly topic: string;
  readonly brokers: readonly string[];
  readonly #producer: KafkaProducer;
  readonly #outbox: Outbox;
  readonly #encoder = new MetricsEncoder();
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #key: string;
  readonly #batchPrefix = crypto.randomUUID().slice(0, 8);
  readonly #maxTimeoutMs: number;
  readonly #requestTimeoutMs: number;
  readonly #closeTimeoutMs: number;
  readonly #maxMessageBytes: number;
  readonly #backoffMs: number;
  readonly #backoffMaxMs: number;
  #sequence = 0;
  #sender: Promise<void> | undefined;
  #outage: Outage | undefined;
  #stopped = false;
  #wakeSender: (() => void) | undefined;
  #progress = Promise.withResolvers<void>();
  #closing: Promise<void> | undefined;

  constructor(params: KafkaStorageParams, _context?: ComponentContext, io: KafkaStorageIo = {}) {
    const parsed = kafkaStorageSchema.parse(params);
    let tuning: ClientTuning;
    try {
      tuning = tuningFrom(parsed.extra_config ?? {});
    } catch (error) {
      throw new FieldError("extra_config", message(error));
    }
    if (tuning.tls === false && parsed.ssl) {
      throw new FieldError("extra_config", "security.protocol says plaintext, but ssl is set");
    }
    // security.protocol ssl without !SSL: TLS with the system's CAs, as `ssl: !SSL {}` would.
    const tls: TlsOptions | undefined = parsed.ssl?.tlsOptions() ??
      (tuning.tls ? { rejectUnauthorized: true, minVersion: "TLSv1.2" } : undefined);
    this.topic = parsed.topic;
    this.brokers = Object.freeze([...parsed.brokers_ips]);
    this.#log = io.log ?? getLogger("wca.storage.kafka");
    this.#now = io.now ?? Date.now;
    this.#key = io.hostname ?? Deno.hostname();
    this.#maxTimeoutMs = parsed.max_timeout_in_seconds * 1000;
    this.#requestTimeoutMs = tuning.requestTimeoutMs ?? Math.max(5000, this.#maxTimeoutMs);
    this.#closeTimeoutMs = parsed.close_timeout_in_seconds * 1000;
    this.#maxMessageBytes = tuning.maxMessageBytes ?? parsed.max_message_bytes;
    this.#backoffMs = tuning.backoffMs ?? 100;
    this.#backoffMaxMs = Math.max(this.#backoffMs, tuning.backoffMaxMs ?? 10_000);
    this.#outbox = new Outbox(parsed.buffer_max_bytes);
    const logModule = `${this.#log.name}.client`;
    if (tuning.debug) getLogger(logModule).log("DEBUG", "extra_config debug: client debug lines enabled");
    this.#producer = (io.producer ?? lazyKafkajsProducer)({
      brokers: this.brokers,
      clientId: tuning.clientId ?? `wca-${this.#key}`,
      ...(tls ? { tls } : {}),
      ...(tuning.sasl ? { sasl: tuning.sasl } : {}),
      connectionTimeoutMs: tuning.connectionTimeoutMs ?? 1000,
      requestTimeoutMs: this.#requestTimeoutMs,
      logModule,
      // Every client error surfaces as a failed send, which this storage reports once per outage.
      quiet: () => true,
      acks: tuning.acks ?? -1,
      compression: tuning.compression ?? parsed.compression,
    });
    this.#log.info(
      `sending metrics to Kafka topic ${this.topic} via ${this.brokers.join(",")}` +
        `${tls ? " over TLS" : ""}${tuning.sasl ? ` as ${tuning.sasl.username}` : ""}`,
    );
  }

  /**
   * Encodes the batch (an invalid batch throws MetricEncodingError and nothing is queued), queues it and
   * waits up to max_timeout_in_seconds for its acknowledgement. Never throws for an unreachable broker.
   */
  async store(metrics: readonly Metric[]): Promise<void> {
    if (this.#closing) throw new Error(`KafkaStorage for topic ${this.topic} is closed`);
    // The encoder keeps each frozen label set's text between batches; its output is a view of a buffer it
    // reuses, and the batch waits in the outbox, so it is copied once.
    const bytes = this.#encoder.render(this.#encoder.prepare(metrics), {
      timestamps: true,
      now: checkNow(this.#now()),
    }).slice();
    if (bytes.length === 0) return;
    const batch = makeBatch(
      `${this.#batchPrefix}-${this.#sequence++}`,
      splitAtFamilies(bytes, this.#maxMessageBytes),
    );
    this.#overflowed(this.#outbox.push(batch));
    this.#startSender();
    const deadline = performance.now() + this.#maxTimeoutMs;
    while (this.#outbox.has(batch) && !this.#outage?.failed) {
      const left = deadline - performance.now();
      if (left <= 0) break;
      await within(left, this.#progress.promise);
    }
  }

  /** wca_storage_dropped_metrics_total: samples dropped from the buffer (and at shutdown) so far. */
  healthMetrics(): Metric[] {
    return [
      metric("wca_storage_dropped_metrics_total", this.#outbox.droppedSamples, {
        storage: "KafkaStorage",
        topic: this.topic,
      }),
    ];
  }

  /** Batches and bytes waiting for the broker (for tests and the README). */
  get buffered(): { batches: number; bytes: number; samples: number } {
    return { batches: this.#outbox.batches, bytes: this.#outbox.bytes, samples: this.#outbox.samples };
  }

  /** Delivers what it can within close_timeout_in_seconds, reports the rest, disconnects. Idempotent. */
  close(): Promise<void> {
    return this.#closing ??= this.#close();
  }

  async #close(): Promise<void> {
    if (this.#outbox.batches) {
      this.#startSender();
      await within(this.#closeTimeoutMs, this.#sender);
    }
    this.#stopped = true;
    this.#wakeSender?.();
    const left = this.#outbox.clear();
    if (left.batches) {
      this.#log.warning(
        `shutting down: ${left.samples} metrics (${left.batches} batches) not delivered to Kafka topic ` +
          `${this.topic} within close_timeout_in_seconds (${this.#closeTimeoutMs / 1000} s); dropped`,
      );
    }
    await within(
      2000,
      this.#producer.close().catch((error) => this.#log.debug(`closing the producer: ${message(error)}`)),
    );
  }

  #startSender(): void {
    if (this.#sender || this.#stopped) return;
    this.#sender = this.#send().finally(() => {
      this.#sender = undefined;
      this.#signal();
    });
  }

  /** Sends the buffer, oldest first, until it is empty; on failure waits (back-off) and tries again. */
  async #send(): Promise<void> {
    let backoff = this.#backoffMs;
    for (let batch = this.#outbox.next(); batch && !this.#stopped; batch = this.#outbox.next()) {
      try {
        await this.#producer.send(this.topic, this.#messages(batch), this.#requestTimeoutMs);
        this.#outbox.sent();
        backoff = this.#backoffMs;
        this.#recovered();
      } catch (error) {
        this.#outbox.failed();
        this.#failed(error);
        this.#signal();
        await sleep(backoff, (wake) => this.#wakeSender = wake);
        this.#wakeSender = undefined;
        backoff = Math.min(backoff * 2, this.#backoffMaxMs);
      }
      this.#signal();
    }
  }

  #messages(batch: Batch): OutgoingMessage[] {
    const parts = batch.chunks.length;
    return batch.chunks.map((chunk, i) => ({
      value: chunk.bytes,
      key: this.#key,
      headers: { [BATCH_HEADER]: batch.id, [PART_HEADER]: `${i + 1}/${parts}` },
    }));
  }

  /** Wakes store() calls waiting for their batch. */
  #signal(): void {
    this.#progress.resolve();
    this.#progress = Promise.withResolvers<void>();
  }

  #failed(error: unknown): void {
    const reason = message(error);
    const outage = this.#outage ??= {
      since: this.#now(),
      failed: false,
      reason,
      dropped: { batches: 0, samples: 0 },
    };
    if (outage.failed) return;
    outage.failed = true;
    outage.reason = reason;
    this.#log.warning(
      `Kafka brokers ${this.brokers.join(",")} unreachable for topic ${this.topic} (${reason}); ` +
        `buffering up to ${this.#outbox.maxBytes} bytes (buffer_max_bytes) and retrying`,
    );
  }

  #overflowed(dropped: Dropped): void {
    if (dropped.batches === 0) return;
    const outage = this.#outage ??= {
      since: this.#now(),
      failed: false,
      reason: "the broker is slower than the agent",
      dropped: { batches: 0, samples: 0 },
    };
    if (outage.dropped.batches === 0) {
      this.#log.warning(
        `Kafka buffer for topic ${this.topic} is full (buffer_max_bytes): dropping the oldest batches ` +
          "until the brokers catch up; counted in wca_storage_dropped_metrics_total",
      );
    }
    outage.dropped.batches += dropped.batches;
    outage.dropped.samples += dropped.samples;
  }

  #recovered(): void {
    const outage = this.#outage;
    if (!outage || (this.#outbox.batches > 0 && !outage.failed)) return;
    this.#outage = undefined;
    const seconds = ((this.#now() - outage.since) / 1000).toFixed(1);
    const lost = outage.dropped.batches
      ? `${outage.dropped.samples} metrics (${outage.dropped.batches} batches) were dropped`
      : "nothing was dropped";
    this.#log.info(
      `Kafka topic ${this.topic} reachable again after ${seconds} s; ${this.#outbox.batches} buffered ` +
        `batches follow in order; ${lost}`,
    );
  }
}
