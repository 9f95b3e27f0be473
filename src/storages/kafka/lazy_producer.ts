/**
 * The kafkajs producer, loaded when a KafkaStorage is made rather than when the agent starts: kafkajs
 * and the Node compatibility it pulls in cost an agent about 15 MiB of memory, which an agent without
 * Kafka (most configs) should not pay. Loading starts in the constructor, so the first send rarely waits.
 */
import type { KafkaProducer, OutgoingMessage, ProducerOptions } from "./client.ts";

export function lazyKafkajsProducer(options: ProducerOptions): KafkaProducer {
  const producer = import("./kafkajs.ts").then((module) => module.kafkajsProducer(options));
  // Reported by the first send (a load failure is a broken installation, not an outage to retry quietly).
  producer.catch(() => {});
  return {
    async send(topic: string, messages: readonly OutgoingMessage[], timeoutMs: number): Promise<void> {
      return await (await producer).send(topic, messages, timeoutMs);
    },
    async close(): Promise<void> {
      await (await producer.catch(() => undefined))?.close();
    },
  };
}
