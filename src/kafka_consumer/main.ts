/**
 * wca-kafka-consumer (`deno task kafka-consumer`): the seeds' "OWCA Kafka Consumer". Subscribes to a topic
 * and serves the latest complete batch on HTTP /metrics for Prometheus; keeps serving the last good one
 * while the brokers are away, and reconnects on its own. Exit codes: 0 stopped by SIGINT/SIGTERM,
 * 1 runtime error (a taken port, an unreadable certificate), 2 usage.
 */
import { SSL } from "../components/ssl.ts";
import { escapeControl, getLogger, processHub } from "../logging/mod.ts";
import { sleep } from "../runners/loop.ts";
import { joinHostPort } from "../storages/http_storage.ts";
import type { ReceivedMessage } from "../storages/kafka/client.ts";
import { kafkajsConsumer } from "../storages/kafka/kafkajs.ts";
import { parseConsumerArgs, USAGE, UsageError } from "./args.ts";
import { BatchAssembler, type Fed, RefusalStreak } from "./assembler.ts";
import { LatestMessageServer } from "./server.ts";

const log = getLogger("wca.kafka_consumer");

export async function main(argv: readonly string[], signal: AbortSignal): Promise<number> {
  let options;
  try {
    options = parseConsumerArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`wca-kafka-consumer: ${escapeControl(error.message)}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  processHub().configure(options.logLevels);
  let server: LatestMessageServer;
  let tls;
  try {
    tls = options.ssl ? new SSL(options.ssl).tlsOptions() : undefined;
    server = new LatestMessageServer(options.listen.host, options.listen.port);
  } catch (error) {
    console.error(`wca-kafka-consumer: ${escapeControl((error as Error).message)}`);
    return 1;
  }
  const { hostname, port } = server.address;
  log.info(
    `serving the latest message of topic ${options.topic} at http://${joinHostPort(hostname, port)}/metrics`,
  );

  let away = false;
  const assembler = new BatchAssembler();
  const consumer = kafkajsConsumer({
    brokers: options.brokers,
    clientId: `wca-kafka-consumer-${Deno.hostname()}`,
    ...(tls ? { tls } : {}),
    connectionTimeoutMs: 3000,
    requestTimeoutMs: 30_000,
    logModule: "wca.kafka_consumer.client",
    // Every client error ends in a crash or a failed start, which this program reports once per outage.
    quiet: () => true,
    groupId: options.groupId,
    fromBeginning: options.fromBeginning,
    onCrash: (error) => {
      if (away) return;
      away = true;
      log.warning(`lost the Kafka brokers (${error.message}); serving the last good batch and reconnecting`);
    },
    onJoin: () => {
      if (away) log.info(`reading topic ${options.topic} again`);
      away = false;
    },
  });
  const decoder = new TextDecoder("utf-8", { fatal: false });
  const refusals = new RefusalStreak(log);
  const onMessage = (message: ReceivedMessage) => {
    const where = `partition ${message.partition} offset ${message.offset}`;
    const fed: Fed = message.value === null
      ? { kind: "refused", reason: "it has no value (null)" }
      : assembler.feed({ text: decoder.decode(message.value), headers: message.headers });
    if (fed.kind === "batch") {
      server.update(fed.text);
      refusals.good(where);
      log.debug(`serving ${where} (${message.value?.length} bytes)`);
    } else if (fed.kind === "refused") refusals.refused(where, fed.reason);
  };

  // The brokers may not be there yet: keep trying to join until stopped.
  for (let backoff = 500; !signal.aborted; backoff = Math.min(backoff * 2, 10_000)) {
    try {
      await consumer.start(options.topic, onMessage);
      break;
    } catch (error) {
      if (!away) {
        away = true;
        log.warning(
          `cannot reach the Kafka brokers ${options.brokers.join(",")} (${
            (error as Error).message
          }); retrying`,
        );
      }
      await consumer.close().catch(() => {});
      await sleep(backoff, signal);
    }
  }
  await new Promise<void>((resolve) =>
    signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })
  );
  log.info("stopping");
  await Promise.all([consumer.close().catch(() => {}), server.close()]);
  return 0;
}

if (import.meta.main) {
  const controller = new AbortController();
  for (const name of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(name, () => controller.abort(name));
  }
  Deno.exit(await main(Deno.args, controller.signal));
}
