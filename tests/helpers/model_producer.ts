/** An in-memory KafkaProducer for unit tests; tests/storages/kafka/producer_test.ts holds it to the contract. */
import type { KafkaProducer, OutgoingMessage, ProducerOptions } from "../../src/storages/kafka/client.ts";

export class ModelProducer implements KafkaProducer {
  readonly topics = new Map<string, OutgoingMessage[]>();
  /** The options KafkaStorage built the client with. */
  readonly options: ProducerOptions | undefined;
  reachable = true;
  #closed = false;

  constructor(options?: ProducerOptions) {
    this.options = options;
  }

  send(topic: string, messages: readonly OutgoingMessage[], _timeoutMs: number): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("the Kafka producer is closed"));
    if (!this.reachable) return Promise.reject(new Error("Connection error: connect ECONNREFUSED (model)"));
    const list = this.topics.get(topic) ?? [];
    list.push(...messages);
    this.topics.set(topic, list);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }
}
