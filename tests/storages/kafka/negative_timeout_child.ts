/**
 * Child process of producer_warning_test.ts: one send through kafkajs to the mock broker at Deno.args[0],
 * then warnings of our own, one with the same name. Prints KAFKAJS-NEGATIVE-TIMEOUT on stdout when kafkajs
 * did emit its warning (a listener added after the filter sees every warning).
 */
import process from "node:process";
import { isKafkajsNegativeTimeout, kafkajsProducer } from "../../../src/storages/kafka/kafkajs.ts";

const producer = kafkajsProducer({
  brokers: [Deno.args[0]!],
  clientId: "warning-test",
  connectionTimeoutMs: 2000,
  requestTimeoutMs: 5000,
  logModule: "wca.test.kafka",
  acks: -1,
  compression: "none",
});
process.on("warning", (warning) => {
  if (isKafkajsNegativeTimeout(warning)) console.log("KAFKAJS-NEGATIVE-TIMEOUT");
});
await producer.send("warnings", [{ value: new TextEncoder().encode("up 1\n") }], 10_000);
await producer.close();
// Deno's timers warn about a negative delay once per process, so ours would not print anyway: the same
// warning name from elsewhere stands for it.
process.emitWarning("-5 is a negative number.", "TimeoutNegativeWarning");
process.emitWarning("a warning of our own", "OtherWarning");
await new Promise((resolve) => setTimeout(resolve, 200));
