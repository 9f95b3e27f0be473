/** The Kafka consumer's command line. Pure: argv in, options or a UsageError out. */
import { parseArgs } from "node:util";
import { parseLogLevel, UsageError } from "../cli/args.ts";
import { parseHostPort } from "../config/schema.ts";
import type { LevelName } from "../logging/mod.ts";

export { UsageError };

export const USAGE = `Usage: wca-kafka-consumer --topic TOPIC [options]

Reads Prometheus text that wca's KafkaStorage (or anything else) sends to a Kafka topic and serves the
latest complete batch at http://LISTEN/metrics for Prometheus to scrape. While the brokers are away it
keeps serving the last good batch.

  --brokers HOST:PORT[,HOST:PORT...]  brokers to bootstrap from ([IPv6]:port for IPv6; default 127.0.0.1:9092)
  --topic TOPIC                       topic to read (required)
  --group-id ID                       consumer group (default wca-kafka-consumer)
  --from-beginning                    a new group starts at the oldest message (default: the newest)
  --listen HOST:PORT                  where to serve /metrics (default 127.0.0.1:9193)
  --ssl                               TLS to the brokers, verified against the system's CAs
  --ssl-server-verify true|false|CA   TLS; verify against the system's CAs, not at all, or this CA bundle
  --ssl-client-cert PATH              client certificate (PEM), for brokers that require one
  --ssl-client-key PATH               its private key, unless the certificate file holds it
  -l, --log-level [MODULE:]LEVEL      e.g. debug, or wca.kafka_consumer.client:debug for the client's lines
  -h, --help                          this text`;

export interface ConsumerCliOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly groupId: string;
  readonly fromBeginning: boolean;
  readonly listen: { readonly host: string; readonly port: number };
  /** Present when TLS is on: the !SSL parameters. */
  readonly ssl?: {
    readonly server_verify: boolean | string;
    readonly client_cert_path?: string;
    readonly client_key_path?: string;
  };
  readonly logLevels: ReadonlyArray<readonly [string, LevelName]>;
  readonly help: boolean;
}

function hostPorts(flag: string, value: string): string[] {
  const list = value.split(",").map((s) => s.trim()).filter(Boolean);
  if (!list.length) throw new UsageError(`--${flag} needs at least one host:port`);
  for (const item of list) {
    if (!parseHostPort(item)) {
      throw new UsageError(
        `--${flag}: '${item}' is not host:port (hostname, IPv4 or [IPv6] address, port 1-65535)`,
      );
    }
  }
  return list;
}

export function parseConsumerArgs(argv: readonly string[]): ConsumerCliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        brokers: { type: "string", default: "127.0.0.1:9092" },
        topic: { type: "string" },
        "group-id": { type: "string", default: "wca-kafka-consumer" },
        "from-beginning": { type: "boolean", default: false },
        listen: { type: "string", default: "127.0.0.1:9193" },
        ssl: { type: "boolean", default: false },
        "ssl-server-verify": { type: "string" },
        "ssl-client-cert": { type: "string" },
        "ssl-client-key": { type: "string" },
        "log-level": { type: "string", short: "l", multiple: true, default: [] },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values;
  const logLevels = (v["log-level"] ?? []).map(parseLogLevel);
  if (v.help) {
    return {
      brokers: [],
      topic: "",
      groupId: "",
      fromBeginning: false,
      listen: { host: "", port: 0 },
      logLevels,
      help: true,
    };
  }
  if (!v.topic) throw new UsageError("--topic is required");
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(v.topic)) {
    throw new UsageError(
      `--topic '${v.topic}' is not a Kafka topic name (1-249 letters, digits, '.', '_', '-')`,
    );
  }
  const listen = parseHostPort(v.listen!);
  if (!listen) throw new UsageError(`--listen '${v.listen}' is not host:port`);
  const verifyText = v["ssl-server-verify"];
  const tls = v.ssl || verifyText !== undefined || v["ssl-client-cert"] !== undefined;
  const serverVerify = verifyText === undefined || verifyText === "true"
    ? true
    : verifyText === "false"
    ? false
    : verifyText;
  return {
    brokers: hostPorts("brokers", v.brokers!),
    topic: v.topic,
    groupId: v["group-id"]!,
    fromBeginning: v["from-beginning"]!,
    listen,
    ...(tls
      ? {
        ssl: {
          server_verify: serverVerify,
          ...(v["ssl-client-cert"] ? { client_cert_path: v["ssl-client-cert"] } : {}),
          ...(v["ssl-client-key"] ? { client_key_path: v["ssl-client-key"] } : {}),
        },
      }
      : {}),
    logLevels,
    help: false,
  };
}
