/**
 * Where the wrapper's metrics go, as wca Storage components: the HTTP endpoint (HTTPMetricsStorage,
 * serving the latest value of every series seen), the output file (LogStorage, appending each new
 * batch with timestamps, as the seeds' --storage_output_filename did) and Kafka (each new batch).
 */
import type { Storage } from "../components/interfaces.ts";
import { z } from "../config/schema.ts";
import { KafkaStorage } from "../storages/kafka/mod.ts";
import { HTTPMetricsStorage, ListenError, LogStorage } from "../storages/mod.ts";
import type { WrapperOptions } from "./args.ts";

/** An output could not be opened; the message names the option. `exitCode`: 2 refused flag, 1 otherwise. */
export class OutputError extends Error {
  override readonly name = "OutputError";
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

export interface Outputs {
  /** Given the latest value of every series after each batch (a scrape sees them all). */
  readonly current: readonly Storage[];
  /** Given each new batch (a file or topic keeps the history). */
  readonly batches: readonly Storage[];
  /** Where the HTTP endpoint listens, when there is one. */
  readonly url: string | undefined;
}

/**
 * Kafka output: KafkaStorage with the seeds' wrapper settings (each new batch to the topic, a 5 s delivery
 * timeout). An address KafkaStorage refuses is a usage error (exit 2) naming the flag.
 */
export function kafkaOutput(brokers: readonly string[], topic: string): Storage {
  try {
    return new KafkaStorage({ brokers_ips: [...brokers], topic, max_timeout_in_seconds: 5 });
  } catch (error) {
    const reason = error instanceof z.ZodError
      ? error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")
      : (error as Error).message;
    throw new OutputError(`--kafka_brokers ${brokers.join(",")}, --kafka_topic ${topic}: ${reason}`, 2);
  }
}

function httpOutput(options: WrapperOptions): HTTPMetricsStorage {
  const host = options.prometheusIp.includes(":") ? `[${options.prometheusIp}]` : options.prometheusIp;
  try {
    // listen carries the address; the port goes through the seam, which also takes 0 (any free port).
    return new HTTPMetricsStorage({ listen: `${host}:1`, path: "/" }, undefined, {
      port: options.prometheusPort,
    });
  } catch (error) {
    const reason = error instanceof ListenError ? error.reason : (error as Error).message;
    throw new OutputError(
      `--prometheus_port ${options.prometheusPort}: cannot listen on ${host}:${options.prometheusPort}: ${reason}`,
    );
  }
}

function fileOutput(path: string): LogStorage {
  try {
    return new LogStorage({ output_filename: path });
  } catch (error) {
    throw new OutputError(`--storage_output_filename: ${(error as Error).message}`);
  }
}

/** Opens every output the options ask for; on failure closes those already open and throws OutputError. */
export async function openOutputs(options: WrapperOptions): Promise<Outputs> {
  const current: Storage[] = [];
  const batches: Storage[] = [];
  let url: string | undefined;
  try {
    if (options.prometheusPort >= 0) {
      const http = httpOutput(options);
      current.push(http);
      url = http.url;
    }
    if (options.storageOutputFilename !== undefined) batches.push(fileOutput(options.storageOutputFilename));
    if (options.kafkaBrokers.length > 0) batches.push(kafkaOutput(options.kafkaBrokers, options.kafkaTopic));
  } catch (error) {
    await closeOutputs({ current, batches, url });
    throw error;
  }
  return { current, batches, url };
}

export async function closeOutputs(outputs: Outputs): Promise<void> {
  for (const storage of [...outputs.current, ...outputs.batches]) await storage.close?.();
}
