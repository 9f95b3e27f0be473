/** The consumer's flags: defaults, TLS, and one-line usage errors. */
import assert from "node:assert/strict";
import { parseConsumerArgs, UsageError } from "../../src/kafka_consumer/args.ts";

Deno.test("consumer args: defaults", () => {
  const options = parseConsumerArgs(["--topic", "wca"]);
  assert.deepEqual(options.brokers, ["127.0.0.1:9092"]);
  assert.equal(options.groupId, "wca-kafka-consumer");
  assert.deepEqual(options.listen, { host: "127.0.0.1", port: 9193 });
  assert.equal(options.ssl, undefined);
  assert.equal(options.fromBeginning, false);
});

Deno.test("consumer args: brokers, IPv6, TLS with a CA bundle and a client certificate, log levels", () => {
  const options = parseConsumerArgs([
    "--brokers",
    "k1:9092, [fd00::2]:9093",
    "--topic",
    "t",
    "--listen",
    "[::1]:9300",
    "--ssl-server-verify",
    "/etc/ca.pem",
    "--ssl-client-cert",
    "/etc/c.pem",
    "-l",
    "debug",
  ]);
  assert.deepEqual(options.brokers, ["k1:9092", "[fd00::2]:9093"]);
  assert.deepEqual(options.listen, { host: "::1", port: 9300 });
  assert.deepEqual(options.ssl, { server_verify: "/etc/ca.pem", client_cert_path: "/etc/c.pem" });
  assert.deepEqual(options.logLevels, [["wca", "DEBUG"]]);
  assert.deepEqual(parseConsumerArgs(["--topic", "t", "--ssl"]).ssl, { server_verify: true });
});

const BAD: Array<[string[], RegExp]> = [
  [[], /--topic is required/],
  [["--topic", "a b"], /is not a Kafka topic name/],
  [["--topic", "t", "--brokers", "k1"], /'k1' is not host:port/],
  [["--topic", "t", "--listen", "9193"], /--listen '9193' is not host:port/],
  [["--topic", "t", "--bogus"], /bogus/],
];

for (const [argv, pattern] of BAD) {
  Deno.test(`consumer args: ${argv.join(" ") || "(none)"} is a usage error`, () => {
    assert.throws(
      () => parseConsumerArgs(argv),
      (e: unknown) => e instanceof UsageError && pattern.test(e.message),
    );
  });
}
