/** Public surface of the Kafka storage. */
export { BATCH_HEADER, KafkaStorage, type KafkaStorageIo, PART_HEADER } from "./kafka_storage.ts";
export { type KafkaStorageParams } from "./params.ts";
export type {
  ConsumerOptions,
  KafkaConsumerClient,
  KafkaProducer,
  OutgoingMessage,
  ProducerOptions,
  ReceivedMessage,
} from "./client.ts";
