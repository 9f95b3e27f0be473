/**
 * The Kafka client as KafkaStorage and the Kafka consumer see it: a producer that sends messages in order
 * and a consumer that hands over each message. The one implementation (kafkajs.ts) is the only file that
 * imports the client library, so swapping clients touches that file; the contract suite
 * (tests/storages/kafka/producer_contract.ts) runs against it and against the in-memory model the unit
 * tests use.
 */
import type { TlsOptions } from "../../components/ssl.ts";

export interface OutgoingMessage {
  readonly value: Uint8Array;
  /** Messages with the same key go to the same partition, so they stay in order. */
  readonly key?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface KafkaProducer {
  /**
   * Sends `messages` to `topic`, in order, and resolves once the broker acknowledged all of them;
   * rejects when it cannot reach the broker or no acknowledgement came within `timeoutMs`. A rejected
   * send may still have been delivered (at-least-once): the caller may send the same messages again.
   */
  send(topic: string, messages: readonly OutgoingMessage[], timeoutMs: number): Promise<void>;
  /** Disconnects; later sends reject. */
  close(): Promise<void>;
}

export interface ReceivedMessage {
  /** null for a message without a value (a tombstone, `kcat -Z` with an empty line). */
  readonly value: Uint8Array | null;
  readonly key: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly partition: number;
  readonly offset: string;
}

export interface KafkaConsumerClient {
  /** Joins the group, subscribes to `topic` and calls `onMessage` for each message, in order per partition. */
  start(topic: string, onMessage: (message: ReceivedMessage) => void): Promise<void>;
  close(): Promise<void>;
}

export type SaslMechanism = "plain" | "scram-sha-256" | "scram-sha-512";

/** What both ends need to reach the brokers. */
export interface KafkaClientOptions {
  /** `host:port` each; bracketed IPv6 addresses (`[::1]:9092`). */
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly tls?: TlsOptions;
  readonly sasl?: { readonly mechanism: SaslMechanism; readonly username: string; readonly password: string };
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** The wca logger module the client's own log lines go to, e.g. `wca.storage.kafka.client`. */
  readonly logModule: string;
  /** While this returns true the client's errors and warnings go to DEBUG: its owner reports them. */
  readonly quiet?: () => boolean;
}

export interface ProducerOptions extends KafkaClientOptions {
  /** -1: all in-sync replicas, 1: the leader, 0: none. */
  readonly acks: -1 | 0 | 1;
  readonly compression: "none" | "gzip";
}

export interface ConsumerOptions extends KafkaClientOptions {
  readonly groupId: string;
  /** Where a new group starts: the newest message (default) or the oldest kept. */
  readonly fromBeginning: boolean;
  /** The consumer lost the brokers (it keeps retrying). */
  readonly onCrash?: (error: Error) => void;
  /** The consumer joined its group: it reads again. */
  readonly onJoin?: () => void;
}
