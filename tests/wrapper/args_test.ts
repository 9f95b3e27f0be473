import assert from "node:assert/strict";
import { parseArgs, UsageError, type WrapperOptions } from "../../src/wrapper/args.ts";

function options(argv: string[]): WrapperOptions {
  const parsed = parseArgs(argv);
  assert.equal(parsed.kind, "run");
  return (parsed as { options: WrapperOptions }).options;
}

Deno.test("the seeds' command line: command, stream, labels, prefix, SLO", () => {
  const o = options([
    "--command",
    `-c "while true; do stress-ng --cpu 1 --metrics 1 --timeout 1; done"`,
    "--stderr",
    "1",
    "--log_level",
    "DEBUG",
    "--separator",
    ".*dispatching hogs.*",
    "--regexp",
    String.raw`(?P<name>cpu)[\ ]+(?P<value>\d+)`,
    "--labels",
    "{'workload':'stress-ng','cores':'1'}",
    "--subprocess_shell",
    "--metric_name_prefix=stress_ng_bogo_ops_",
    "--slo",
    "1000",
    "--sli_metric_name",
    "stress_ng_bogo_ops_cpu",
    "--storage_output_filename",
    "/tmp/metrics.txt",
  ]);
  assert.equal(o.command, `-c "while true; do stress-ng --cpu 1 --metrics 1 --timeout 1; done"`);
  assert.equal(o.stderr, 1);
  assert.equal(o.logLevel, "DEBUG");
  assert.deepEqual(o.labels, { workload: "stress-ng", cores: "1" });
  assert.equal(o.subprocessShell, true);
  assert.equal(o.metricNamePrefix, "stress_ng_bogo_ops_");
  assert.equal(o.slo, 1000);
  assert.equal(o.sliMetricName, "stress_ng_bogo_ops_cpu");
  assert.equal(o.storageOutputFilename, "/tmp/metrics.txt");
  assert.ok(o.separator!.test("stress-ng: info:  [1] dispatching hogs: 1 cpu"));
  assert.deepEqual([..."cpu   261".matchAll(o.regexp)].map((m) => ({ ...m.groups })), [{
    name: "cpu",
    value: "261",
  }]);
});

Deno.test("defaults: stream of the parser, loopback port 8080, no Kafka, SLO +inf, level ERROR", () => {
  const o = options(["--command", "true"]);
  assert.equal(o.stderr, undefined);
  assert.equal(o.prometheusIp, "127.0.0.1");
  assert.equal(o.prometheusPort, 8080);
  assert.deepEqual(o.kafkaBrokers, []);
  assert.equal(o.kafkaTopic, "wca_apms");
  assert.equal(o.slo, Infinity);
  assert.equal(o.logLevel, "ERROR");
  assert.deepEqual(o.labels, {});
});

Deno.test("the Kafka flags, the HTTP address (and its alias --prometheus_host), inverse SLI, const load", () => {
  const o = options([
    "--command=true",
    "--kafka_brokers",
    "10.0.0.1:9092, kafka.local:9093",
    "--kafka_topic",
    "apms",
    "--prometheus_host",
    "::1",
    "--prometheus_port",
    "0",
    "--inverse_sli_metric_value",
    "--peak_load",
    "1",
    "--load_metric_name",
    "const",
  ]);
  assert.deepEqual(o.kafkaBrokers, ["10.0.0.1:9092", "kafka.local:9093"]);
  assert.equal(o.kafkaTopic, "apms");
  assert.equal(o.prometheusIp, "::1");
  assert.equal(o.prometheusPort, 0);
  assert.equal(o.inverseSliMetricValue, true);
  assert.equal(o.peakLoad, 1);
  assert.equal(o.loadMetricName, "const");
});

Deno.test("help and version", () => {
  assert.deepEqual(parseArgs(["--help"]), { kind: "help" });
  assert.deepEqual(parseArgs(["--command", "x", "-h"]), { kind: "help" });
  assert.deepEqual(parseArgs(["--version"]), { kind: "version" });
});

const BAD: ReadonlyArray<[string[], RegExp]> = [
  [[], /--command is required/],
  [["--command", "  "], /--command is required/],
  [["--command", "x", "--stderr", "2"], /--stderr: invalid value "2": expected 0 \(stdout\) or 1 \(stderr\)/],
  [["--command", "x", "--comand", "y"], /unknown option --comand; did you mean --command\?/],
  [["--command", "x", "stray"], /unexpected argument "stray": the workload goes in --command/],
  [["--command"], /--command needs a value/],
  [["--command", "x", "--subprocess_shell=yes"], /--subprocess_shell takes no value/],
  [["--command", "x", "--log_level", "LOUD"], /--log_level: invalid value "LOUD"/],
  [["--command", "x", "--labels", "workload=x"], /--labels: expected \{ at character 1/],
  [["--command", "x", "--metric_name_prefix", "1x"], /--metric_name_prefix: invalid value "1x"/],
  [["--command", "x", "--regexp", "(?P<name>a"], /--regexp: invalid regular expression/],
  [["--command", "x", "--regexp", "(\\w+)=(\\d+)"], /needs the named groups/],
  [
    ["--command", "x", "--kafka_brokers", "kafka"],
    /--kafka_brokers: invalid broker "kafka": expected host:port/,
  ],
  [["--command", "x", "--peak_load", "10"], /Both --load_metric_name and --peak_load have to be set/],
  [["--command", "x", "--peak_load", "0", "--load_metric_name", "q"], /--peak_load: invalid value "0"/],
  [["--command", "x", "--slo", "fast"], /--slo: invalid value "fast"/],
  [["--command", "x", "--prometheus_port", "70000"], /--prometheus_port: invalid value "70000"/],
  [["--command", "x", "--prometheus_ip", "not an address"], /--prometheus_ip: invalid address/],
];

for (const [argv, message] of BAD) {
  Deno.test(`usage error: ${argv.join(" ") || "(no arguments)"}`, () => {
    assert.throws(
      () => parseArgs(argv),
      (error: Error) => error instanceof UsageError && message.test(error.message),
    );
  });
}
