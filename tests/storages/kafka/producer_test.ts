/** The producer contract against kafkajs on the mock broker (read back with kcat) and against the model. */
import { kafkajsProducer } from "../../../src/storages/kafka/kafkajs.ts";
import { startKafkaMock } from "../../helpers/kafka_mock.ts";
import { kcatReadAll } from "../../helpers/kcat.ts";
import { ModelProducer } from "../../helpers/model_producer.ts";
import { producerContract } from "./producer_contract.ts";

producerContract("kafkajs producer", async () => {
  const broker = await startKafkaMock();
  await broker.createTopic("contract");
  return {
    producer: kafkajsProducer({
      brokers: [broker.bootstrap],
      clientId: "contract",
      connectionTimeoutMs: 1000,
      requestTimeoutMs: 1000,
      logModule: "wca.test.kafka",
      quiet: () => true,
      acks: -1,
      compression: "none",
    }),
    read: async (topic) =>
      (await kcatReadAll(broker.bootstrap, topic)).map((m) => ({
        value: m.payload,
        key: m.key,
        headers: { ...m.headers },
      })),
    down: () => broker.down(),
    dispose: () => broker.close(),
  };
});

producerContract("model producer", () => {
  const producer = new ModelProducer();
  return Promise.resolve({
    producer,
    read: (topic) =>
      Promise.resolve((producer.topics.get(topic) ?? []).map((m) => ({
        value: new TextDecoder().decode(m.value),
        key: m.key ?? null,
        headers: { ...m.headers },
      }))),
    down: () => {
      producer.reachable = false;
      return Promise.resolve();
    },
    dispose: () => Promise.resolve(),
  });
});
