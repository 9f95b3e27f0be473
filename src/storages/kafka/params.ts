/**
 * KafkaStorage's parameters: WCA's (`topic`, `brokers_ips`, `max_timeout_in_seconds`, `extra_config`,
 * `ssl`) and ours (buffer, message size, compression, shutdown). `extra_config` keeps WCA's librdkafka
 * property names; the ones that have a meaning for our client are mapped to it, any other key is refused
 * at load with the list of known keys (WCA passed them through, so a typo was silently ignored).
 */
import { SSL } from "../../components/ssl.ts";
import { hostPort, listOf, number, params, text, z } from "../../config/schema.ts";
import { nearest } from "../../config/suggest.ts";
import type { SaslMechanism } from "./client.ts";

/** librdkafka takes strings, YAML writes numbers and booleans too: accept all three, as text. */
const propertyValue = z.union([z.string(), z.number(), z.boolean()], {
  error: "expected a string, number or boolean",
}).transform(String);

/** extra_config keys with their meaning here; each maps to an option of our client. */
export const EXTRA_CONFIG_KEYS = {
  "client.id": "Client id the brokers log and quota by (default: wca-<hostname>).",
  "acks": "Acknowledgements to wait for: -1 or all (all in-sync replicas, default), 1 (leader), 0 (none).",
  "request.required.acks": "Alias of acks.",
  "compression.type": "none or gzip; same as the compression parameter.",
  "compression.codec": "Alias of compression.type.",
  "message.max.bytes": "Largest message; same as max_message_bytes.",
  "socket.connection.setup.timeout.ms": "Milliseconds to set up a connection (default 1000).",
  "request.timeout.ms": "Milliseconds a request may take (default: max_timeout_in_seconds).",
  "reconnect.backoff.ms": "First wait before retrying an unreachable broker (default 100).",
  "reconnect.backoff.max.ms": "Longest wait between retries (default 10000).",
  "security.protocol": "plaintext, ssl, sasl_plaintext or sasl_ssl; ssl is implied by the ssl parameter.",
  "sasl.mechanism": "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.",
  "sasl.mechanisms": "Alias of sasl.mechanism.",
  "sasl.username": "SASL user name.",
  "sasl.password": "SASL password (never logged; prefer !Env to keep it out of the file).",
  "debug": "Any value: log the client's debug lines (at DEBUG in the wca.storage.kafka.client logger).",
} as const;

type ExtraKey = keyof typeof EXTRA_CONFIG_KEYS;

/** A mapping of known keys only; an unknown key is reported with the nearest known one and the list. */
const extraConfig = z.record(text(256), propertyValue, { error: "expected a mapping" }).superRefine(
  (value, ctx) => {
    const known = Object.keys(EXTRA_CONFIG_KEYS);
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      const guess = nearest(key, known);
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: `unknown extra_config key '${key}'${guess ? `; did you mean '${guess}'?` : ""} ` +
          `Known keys: ${known.join(", ")}`,
      });
    }
  },
).transform((value) => value as Partial<Record<ExtraKey, string>>);

export type ExtraConfig = z.output<typeof extraConfig>;

/** What extra_config adds to or changes in the client's options. */
export interface ClientTuning {
  clientId?: string;
  acks?: -1 | 0 | 1;
  compression?: "none" | "gzip";
  maxMessageBytes?: number;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  backoffMs?: number;
  backoffMaxMs?: number;
  tls?: boolean;
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
  debug?: boolean;
}

function positiveInteger(key: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`extra_config ${key}: expected a positive integer`);
  return n;
}

/**
 * Maps extra_config to client options. Throws an Error naming the key (the constructor reports it at the
 * field) for a value the client cannot honour; never quotes sasl.password.
 */
export function tuningFrom(extra: ExtraConfig): ClientTuning {
  const out: ClientTuning = {};
  if (extra["client.id"] !== undefined) out.clientId = extra["client.id"];
  const acks = extra.acks ?? extra["request.required.acks"];
  if (acks !== undefined) {
    const value = acks === "all" ? -1 : Number(acks);
    if (value !== -1 && value !== 0 && value !== 1) {
      throw new Error(`extra_config acks: expected -1, all, 0 or 1, got ${JSON.stringify(acks)}`);
    }
    out.acks = value;
  }
  const compression = extra["compression.type"] ?? extra["compression.codec"];
  if (compression !== undefined) {
    if (compression !== "none" && compression !== "gzip") {
      throw new Error(
        `extra_config compression.type: expected none or gzip (the codecs this client has), got ${
          JSON.stringify(compression)
        }`,
      );
    }
    out.compression = compression;
  }
  const integers = [
    ["message.max.bytes", "maxMessageBytes"],
    ["socket.connection.setup.timeout.ms", "connectionTimeoutMs"],
    ["request.timeout.ms", "requestTimeoutMs"],
    ["reconnect.backoff.ms", "backoffMs"],
    ["reconnect.backoff.max.ms", "backoffMaxMs"],
  ] as const;
  for (const [key, field] of integers) {
    const value = extra[key];
    if (value !== undefined) out[field] = positiveInteger(key, value);
  }
  const protocol = extra["security.protocol"]?.toLowerCase();
  if (protocol !== undefined) {
    if (!["plaintext", "ssl", "sasl_plaintext", "sasl_ssl"].includes(protocol)) {
      throw new Error(
        `extra_config security.protocol: expected plaintext, ssl, sasl_plaintext or sasl_ssl, got ${
          JSON.stringify(protocol)
        }`,
      );
    }
    out.tls = protocol.endsWith("ssl");
  }
  const mechanism = (extra["sasl.mechanism"] ?? extra["sasl.mechanisms"])?.toLowerCase();
  const username = extra["sasl.username"];
  const password = extra["sasl.password"];
  if (mechanism !== undefined || username !== undefined || password !== undefined) {
    if (mechanism !== "plain" && mechanism !== "scram-sha-256" && mechanism !== "scram-sha-512") {
      throw new Error("extra_config sasl.mechanism: expected PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512");
    }
    if (username === undefined || password === undefined) {
      throw new Error("extra_config: sasl.username and sasl.password are both needed for SASL");
    }
    out.sasl = { mechanism, username, password };
  }
  if (extra.debug !== undefined) out.debug = true;
  return out;
}

/** Kafka's limit on topic names. */
const TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;

export const kafkaStorageSchema = params({
  topic: text(249).regex(TOPIC, {
    error: "expected a Kafka topic name: 1-249 letters, digits, '.', '_' or '-'",
  }).describe("Topic the metrics are sent to."),
  brokers_ips: listOf(hostPort(), 100).min(1, { error: "expected at least one broker" }).default([
    "127.0.0.1:9092",
  ]).describe("Brokers to bootstrap from: host:port, IPv4:port or [IPv6]:port."),
  max_timeout_in_seconds: number(0, 5).refine((v) => v > 0, { error: "expected a number > 0" }).default(0.5)
    .describe(
      "Seconds store() waits for the broker to acknowledge a batch (WCA's bound, 0-5). What is not " +
        "acknowledged by then stays buffered and is sent in the background: the agent's interval is kept.",
    ),
  extra_config: extraConfig.optional().describe(
    `librdkafka-named client options that have a meaning here: ${Object.keys(EXTRA_CONFIG_KEYS).join(", ")}.`,
  ),
  ssl: z.instanceof(SSL, { error: "expected an !SSL" }).optional().describe(
    "TLS to the brokers (!SSL: server_verify, client_cert_path, client_key_path).",
  ),
  buffer_max_bytes: number(0, 2 ** 32).default(32 * 1024 * 1024).describe(
    "Bytes of undelivered messages kept while the brokers are unreachable; beyond it the oldest batches " +
      "are dropped and counted in wca_storage_dropped_metrics_total.",
  ),
  max_message_bytes: number(1024, 100 * 1024 * 1024).default(1_000_000).describe(
    "Largest message: a batch is split at metric-family boundaries below it (Kafka's default " +
      "message.max.bytes is 1048588).",
  ),
  compression: z.enum(["none", "gzip"], { error: "expected none or gzip" }).default("none").describe(
    "Compression of the messages.",
  ),
  close_timeout_in_seconds: number(0, 300).default(5).describe(
    "Seconds shutdown waits for the buffer to be delivered; what is left is reported and dropped.",
  ),
});

export type KafkaStorageParams = z.input<typeof kafkaStorageSchema>;
