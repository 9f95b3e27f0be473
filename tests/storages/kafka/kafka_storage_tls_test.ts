/**
 * KafkaStorage's TLS and SASL reach the client as options. The mock broker speaks plaintext only, so this
 * checks the mapping into the producer's options (with a throw-away PKI); !SSL's own handshake is tested
 * against openssl s_server in tests/components/ssl_test.ts, and kafkajs hands these options to node:tls.
 */
import assert from "node:assert/strict";
import { SSL } from "../../../src/components/ssl.ts";
import { FieldError } from "../../../src/config/errors.ts";
import type { ProducerOptions } from "../../../src/storages/kafka/client.ts";
import { KafkaStorage } from "../../../src/storages/kafka/mod.ts";
import { captureLogLines } from "../../helpers/log_capture.ts";
import { ModelProducer } from "../../helpers/model_producer.ts";
import { makeTestPki } from "../../helpers/tls.ts";

function build(
  params: ConstructorParameters<typeof KafkaStorage>[0],
): { storage: KafkaStorage; options: ProducerOptions } {
  let model: ModelProducer | undefined;
  const storage = new KafkaStorage(params, undefined, {
    producer: (options) => model = new ModelProducer(options),
    hostname: "node-7",
  });
  return { storage, options: model!.options! };
}

Deno.test("KafkaStorage: ssl: !SSL hands its TLS options (CA, client certificate, TLS 1.2 floor) to the client", async () => {
  const pki = await makeTestPki();
  try {
    await Deno.chmod(pki.clientKeyPath, 0o600);
    const ssl = new SSL({
      server_verify: pki.caPath,
      client_cert_path: pki.clientCertPath,
      client_key_path: pki.clientKeyPath,
    });
    const { storage, options } = build({ topic: "t", brokers_ips: ["k:9093"], ssl });
    assert.deepEqual(options.tls, ssl.tlsOptions());
    assert.equal(options.tls?.rejectUnauthorized, true);
    assert.equal(options.tls?.minVersion, "TLSv1.2");
    assert.match(options.tls?.ca ?? "", /BEGIN CERTIFICATE/);
    assert.match(options.tls?.key ?? "", /PRIVATE KEY/);
    assert.equal(options.clientId, "wca-node-7");
    await storage.close();
  } finally {
    await pki.remove();
  }
});

Deno.test("KafkaStorage: security.protocol ssl without !SSL verifies against the system's CAs; plaintext with ssl is refused", () => {
  const { storage, options } = build({ topic: "t", extra_config: { "security.protocol": "SSL" } });
  assert.deepEqual(options.tls, { rejectUnauthorized: true, minVersion: "TLSv1.2" });
  void storage.close();
  assert.equal(build({ topic: "t" }).options.tls, undefined, "plaintext by default, as WCA");
  assert.throws(
    () => build({ topic: "t", ssl: new SSL({}), extra_config: { "security.protocol": "plaintext" } }),
    (e: unknown) => e instanceof FieldError && e.field[0] === "extra_config",
  );
});

Deno.test("KafkaStorage: SASL credentials reach the client and never the log line", async () => {
  const { result: { options }, lines } = await captureLogLines(() =>
    Promise.resolve(build({
      topic: "t",
      extra_config: {
        "sasl.mechanism": "SCRAM-SHA-256",
        "sasl.username": "agent",
        "sasl.password": "s3cret",
      },
    }))
  );
  assert.deepEqual(options.sasl, { mechanism: "scram-sha-256", username: "agent", password: "s3cret" });
  assert.ok(lines.some((l) => l.includes("as agent")), lines.join("\n"));
  assert.ok(!lines.some((l) => l.includes("s3cret")));
});

Deno.test("KafkaStorage: messages carry the batch id, part and host key; the producer is the model's", async () => {
  let model: ModelProducer | undefined;
  const storage = new KafkaStorage({ topic: "t", max_message_bytes: 1024 }, undefined, {
    producer: (options) => model = new ModelProducer(options),
    hostname: "node-7",
  });
  const { metric } = await import("../../../src/metrics/mod.ts");
  await storage.store(Array.from({ length: 60 }, (_, i) => metric("task_up", 1, { task_id: `t${i}` })));
  const sent = model!.topics.get("t")!;
  assert.ok(sent.length > 1);
  assert.ok(sent.every((m) => m.key === "node-7"));
  assert.deepEqual(sent.map((m) => m.headers?.["wca-part"]), sent.map((_, i) => `${i + 1}/${sent.length}`));
  assert.equal(new Set(sent.map((m) => m.headers?.["wca-batch"])).size, 1);
  await storage.close();
});
