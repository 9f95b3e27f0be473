/**
 * KafkaProducer and KafkaConsumerClient on kafkajs (npm:kafkajs), the only file that imports it.
 *
 * Retrying is the owner's job (KafkaStorage keeps a buffer and its own back-off), so kafkajs is told not
 * to retry: a send fails fast and the agent's interval is kept. kafkajs' log lines go to the wca logger
 * `options.logModule` at the matching wca level; while the owner has reported an outage, the client's
 * repeated connection errors go to DEBUG instead.
 */
import { Buffer } from "node:buffer";
import process from "node:process";
import {
  CompressionTypes,
  type Consumer,
  Kafka,
  type KafkaConfig,
  type LogEntry,
  logLevel,
  Partitioners,
  type Producer,
} from "kafkajs";
import { getLogger, type LevelName, type Logger } from "../../logging/mod.ts";
import type {
  ConsumerOptions,
  KafkaClientOptions,
  KafkaConsumerClient,
  KafkaProducer,
  OutgoingMessage,
  ProducerOptions,
  ReceivedMessage,
} from "./client.ts";

/**
 * kafkajs 2.2.4's request queue arms `setTimeout(check, throttledUntil - Date.now())` with throttledUntil
 * -1 when nothing is throttled: a negative delay, which Node (and Deno's node layer) clamps to 1 ms and
 * reports as a TimeoutNegativeWarning on stderr once per process, outside wca's logger. Harmless, and not
 * avoidable through kafkajs' options. A 'warning' listener cannot stop the default printer, so the
 * printers present are wrapped to skip exactly that warning: its name and a stack through kafkajs'
 * scheduleCheckPendingRequests. Every other warning still prints, the same name from elsewhere included.
 */
export function isKafkajsNegativeTimeout(warning: unknown): boolean {
  return warning instanceof Error && warning.name === "TimeoutNegativeWarning" &&
    (warning.stack ?? "").includes("scheduleCheckPendingRequests");
}

let warningFilterInstalled = false;

function skipKafkajsNegativeTimeout(): void {
  if (warningFilterInstalled) return;
  warningFilterInstalled = true;
  for (const printer of process.listeners("warning")) {
    process.removeListener("warning", printer);
    process.on("warning", (warning: Error) => {
      if (!isKafkajsNegativeTimeout(warning)) printer(warning);
    });
  }
}

/** The kafkajs level that lets through what `log` would print. */
function clientLevel(log: Logger): logLevel {
  if (log.isEnabledFor("DEBUG")) return logLevel.DEBUG;
  if (log.isEnabledFor("INFO")) return logLevel.INFO;
  if (log.isEnabledFor("WARNING")) return logLevel.WARN;
  return logLevel.ERROR;
}

function wcaLevel(level: logLevel, quiet: boolean): LevelName {
  if (level === logLevel.ERROR) return quiet ? "DEBUG" : "ERROR";
  if (level === logLevel.WARN) return quiet ? "DEBUG" : "WARNING";
  return level === logLevel.INFO ? "INFO" : "DEBUG";
}

/** kafkajs' extra fields, minus ones that repeat or could carry secrets. */
function details(entry: LogEntry["log"]): string {
  const { timestamp: _t, message: _m, logger: _l, stack: _st, sasl: _s, password: _p, ssl: _ssl, ...rest } =
    entry;
  const text = Object.entries(rest).filter(([, v]) => v !== undefined).map(([k, v]) =>
    `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`
  ).join(" ");
  return text ? ` (${text})` : "";
}

function kafkaConfig(options: KafkaClientOptions): KafkaConfig {
  skipKafkajsNegativeTimeout();
  const log = getLogger(options.logModule);
  const quiet = options.quiet ?? (() => false);
  return {
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: options.connectionTimeoutMs,
    requestTimeout: options.requestTimeoutMs,
    retry: { retries: 0 },
    ...(options.tls ? { ssl: { ...options.tls } } : {}),
    ...(options.sasl ? { sasl: { ...options.sasl } as KafkaConfig["sasl"] } : {}),
    logLevel: clientLevel(log),
    logCreator: () => ({ namespace, level, log: entry }) => {
      log.log(wcaLevel(level, quiet()), `${namespace}: ${entry.message}${details(entry)}`);
    },
  };
}

function rejectAfter(ms: number, what: string): { promise: Promise<never>; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no acknowledgement within ${ms} ms`)), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

class KafkajsProducer implements KafkaProducer {
  readonly #producer: Producer;
  readonly #options: ProducerOptions;
  #connected: Promise<void> | undefined;
  #closed = false;

  constructor(options: ProducerOptions) {
    this.#options = options;
    this.#producer = new Kafka(kafkaConfig(options)).producer({
      // With a key this is murmur2(key) % partitions, as the Java client: one agent, one partition.
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: true,
      retry: { retries: 0 },
    });
    this.#producer.on("producer.disconnect", () => {
      this.#connected = undefined;
    });
  }

  async send(topic: string, messages: readonly OutgoingMessage[], timeoutMs: number): Promise<void> {
    if (this.#closed) throw new Error("the Kafka producer is closed");
    const deadline = rejectAfter(timeoutMs, `sending ${messages.length} message(s) to ${topic}`);
    try {
      await Promise.race([this.#send(topic, messages, timeoutMs), deadline.promise]);
    } finally {
      deadline.cancel();
    }
  }

  async #send(topic: string, messages: readonly OutgoingMessage[], timeoutMs: number): Promise<void> {
    try {
      await (this.#connected ??= this.#producer.connect());
      await this.#producer.send({
        topic,
        acks: this.#options.acks,
        timeout: timeoutMs,
        compression: this.#options.compression === "gzip" ? CompressionTypes.GZIP : CompressionTypes.None,
        messages: messages.map((m) => ({
          value: Buffer.from(m.value.buffer, m.value.byteOffset, m.value.byteLength),
          ...(m.key === undefined ? {} : { key: m.key }),
          ...(m.headers ? { headers: { ...m.headers } } : {}),
        })),
      });
    } catch (error) {
      // A failed connect is not cached: the next send connects again.
      this.#connected = undefined;
      throw error;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#producer.disconnect();
  }
}

class KafkajsConsumer implements KafkaConsumerClient {
  readonly #consumer: Consumer;
  readonly #fromBeginning: boolean;

  constructor(options: ConsumerOptions) {
    this.#fromBeginning = options.fromBeginning;
    this.#consumer = new Kafka(kafkaConfig(options)).consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: true,
      // A member that vanished with the brokers is replaced after this: the consumer is back sooner.
      sessionTimeout: 10_000,
      heartbeatInterval: 3_000,
      // Keep trying for ever: the consumer's job is to be there when the brokers come back.
      retry: {
        retries: Number.MAX_SAFE_INTEGER,
        maxRetryTime: 5_000,
        restartOnFailure: () => Promise.resolve(true),
      },
    });
    const { CRASH, GROUP_JOIN } = this.#consumer.events;
    this.#consumer.on(CRASH, (event) => options.onCrash?.(event.payload.error));
    this.#consumer.on(GROUP_JOIN, () => options.onJoin?.());
  }

  async start(topic: string, onMessage: (message: ReceivedMessage) => void): Promise<void> {
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topics: [topic], fromBeginning: this.#fromBeginning });
    await this.#consumer.run({
      eachMessage: ({ partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) {
          if (value !== undefined) {
            headers[name] = Array.isArray(value) ? String(value.at(-1)) : String(value);
          }
        }
        const bytes = message.value;
        onMessage({
          value: bytes ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : null,
          key: message.key?.toString(),
          headers,
          partition,
          offset: message.offset,
        });
        return Promise.resolve();
      },
    });
  }

  async close(): Promise<void> {
    await this.#consumer.disconnect();
  }
}

export function kafkajsProducer(options: ProducerOptions): KafkaProducer {
  return new KafkajsProducer(options);
}

export function kafkajsConsumer(options: ConsumerOptions): KafkaConsumerClient {
  return new KafkajsConsumer(options);
}
