/** KafkaStorage's parameters through the config loader: WCA's shapes load, mistakes are one clear line. */
import assert from "node:assert/strict";
import { Registry } from "../../../src/components/registry.ts";
import { SSL } from "../../../src/components/ssl.ts";
import { buildRunner, ConfigError, parseConfigText } from "../../../src/config/mod.ts";
import { KafkaStorage } from "../../../src/storages/kafka/mod.ts";
import { tuningFrom } from "../../../src/storages/kafka/params.ts";
import { TestLoop } from "../../config/test_components.ts";

function load(yaml: string): TestLoop {
  const registry = new Registry({ TestLoop, KafkaStorage, SSL });
  return buildRunner(parseConfigText("agent.yaml", yaml), { components: registry }) as unknown as TestLoop;
}

function loadError(yaml: string): string {
  try {
    load(yaml);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message;
  }
  assert.fail("expected a ConfigError");
}

Deno.test("KafkaStorage params: WCA's example loads (hostnames and bracketed IPv6 brokers too)", async () => {
  const loop = load(
    "runner: !TestLoop\n  storage: !KafkaStorage\n    topic: owca_metrics\n" +
      '    brokers_ips: ["kafka-1.example:9092", "10.0.0.2:9092", "[fd00::1]:9093"]\n' +
      "    max_timeout_in_seconds: 5.\n    extra_config: {client.id: agent-7, acks: all, compression.type: gzip}\n",
  );
  const storage = loop.params.storage as unknown as KafkaStorage;
  assert.ok(storage instanceof KafkaStorage);
  assert.deepEqual(storage.brokers, ["kafka-1.example:9092", "10.0.0.2:9092", "[fd00::1]:9093"]);
  await storage.close();
});

const MISTAKES: Array<[string, string, RegExp]> = [
  [
    "an unknown extra_config key",
    "extra_config: {debgu: all}",
    /agent\.yaml:7:27: Invalid value "all" for field 'extra_config\.debgu' in !KafkaStorage: unknown extra_config key 'debgu'; did you mean 'debug'\? Known keys: client\.id, /,
  ],
  [
    "a value the client cannot honour",
    "extra_config: {compression.type: snappy}",
    /for field 'extra_config' in !KafkaStorage: extra_config compression.type: expected none or gzip/,
  ],
  [
    "a broker without port",
    'brokers_ips: ["kafka"]',
    /agent\.yaml:6:19: Invalid value "kafka" for field 'brokers_ips\[0\]' in !KafkaStorage: expected host:port/,
  ],
  ["a timeout above WCA's bound", "max_timeout_in_seconds: 6", /expected a number <= 5/],
  ["a bad topic", 'topic: "a b"', /expected a Kafka topic name/],
  [
    "SASL without password",
    "extra_config: {sasl.mechanism: PLAIN, sasl.username: u}",
    /sasl.username and sasl.password are both needed/,
  ],
];

for (const [what, line, pattern] of MISTAKES) {
  Deno.test(`KafkaStorage params: ${what} is refused with its position`, () => {
    const override = line.split(":")[0]!;
    const base = ["topic: t", 'brokers_ips: ["127.0.0.1:9092"]'].filter((l) => !l.startsWith(override));
    const yaml = `runner: !TestLoop\n  storage: !KafkaStorage\n${
      [...base, line].map((l) => `    ${l}`).join("\n")
    }\n`;
    assert.match(loadError(yaml.replace("runner: !TestLoop\n", "runner: !TestLoop\n\n\n")), pattern);
  });
}

const TUNING: Array<[Record<string, string>, ReturnType<typeof tuningFrom>]> = [
  [{}, {}],
  [{ acks: "1", "request.timeout.ms": "2500" }, { acks: 1, requestTimeoutMs: 2500 }],
  [{ "request.required.acks": "-1", "compression.codec": "none" }, { acks: -1, compression: "none" }],
  [{
    "security.protocol": "SASL_SSL",
    "sasl.mechanisms": "SCRAM-SHA-512",
    "sasl.username": "u",
    "sasl.password": "p",
  }, {
    tls: true,
    sasl: { mechanism: "scram-sha-512", username: "u", password: "p" },
  }],
  [{ "reconnect.backoff.ms": "50", "reconnect.backoff.max.ms": "800", debug: "all" }, {
    backoffMs: 50,
    backoffMaxMs: 800,
    debug: true,
  }],
];

for (const [extra, want] of TUNING) {
  Deno.test(`KafkaStorage params: extra_config ${JSON.stringify(extra)} maps to the client's options`, () => {
    assert.deepEqual(tuningFrom(extra), want);
  });
}

Deno.test("KafkaStorage params: a wrong sasl value never quotes the password", () => {
  assert.throws(
    () => tuningFrom({ "sasl.mechanism": "GSSAPI", "sasl.username": "u", "sasl.password": "s3cret" }),
    (e: Error) => !e.message.includes("s3cret") && /PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512/.test(e.message),
  );
});
