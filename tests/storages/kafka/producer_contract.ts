/**
 * The KafkaProducer contract (src/storages/kafka/client.ts), run against the kafkajs producer on the mock
 * broker and against the in-memory model the unit tests use, so the model cannot drift from the client.
 */
import assert from "node:assert/strict";
import type { KafkaProducer, OutgoingMessage } from "../../../src/storages/kafka/client.ts";

export interface ProducerFixture {
  readonly producer: KafkaProducer;
  /** What the topic holds, oldest first. */
  read(topic: string): Promise<Array<{ value: string; key: string | null; headers: Record<string, string> }>>;
  /** Makes the broker unreachable. */
  down(): Promise<void>;
  dispose(): Promise<void>;
}

function message(text: string, part: string): OutgoingMessage {
  return { value: new TextEncoder().encode(text), key: "host-1", headers: { "wca-part": part } };
}

export function producerContract(name: string, factory: () => Promise<ProducerFixture>): void {
  Deno.test(`${name}: contract: sends messages in order with key and headers`, async () => {
    const fixture = await factory();
    try {
      await fixture.producer.send("contract", [message("a 1\n", "1/2"), message("b 2\n", "2/2")], 5000);
      await fixture.producer.send("contract", [message("c 3\n", "1/1")], 5000);
      const read = await fixture.read("contract");
      assert.deepEqual(read.map((m) => m.value), ["a 1\n", "b 2\n", "c 3\n"]);
      assert.deepEqual(read.map((m) => m.key), ["host-1", "host-1", "host-1"]);
      assert.deepEqual(read.map((m) => m.headers["wca-part"]), ["1/2", "2/2", "1/1"]);
    } finally {
      await fixture.producer.close();
      await fixture.dispose();
    }
  });

  Deno.test(`${name}: contract: an unreachable broker rejects within the timeout`, async () => {
    const fixture = await factory();
    try {
      await fixture.down();
      const t0 = performance.now();
      await assert.rejects(() => fixture.producer.send("contract", [message("x 1\n", "1/1")], 1000));
      assert.ok(performance.now() - t0 < 1000 + 2000, "rejected about the timeout");
    } finally {
      await fixture.producer.close();
      await fixture.dispose();
    }
  });

  Deno.test(`${name}: contract: a closed producer rejects sends`, async () => {
    const fixture = await factory();
    await fixture.producer.close();
    try {
      await assert.rejects(
        () => fixture.producer.send("contract", [message("x 1\n", "1/1")], 1000),
        /closed/,
      );
    } finally {
      await fixture.dispose();
    }
  });
}
