/**
 * The real agent (src/main.ts, a process) with the seeds' shared-storage config: one !KafkaStorage behind a
 * YAML anchor receives metrics, anomalies and allocations, through one producer, to the mock broker; kcat
 * reads them back and promtool parses every message.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startKafkaMock } from "../../helpers/kafka_mock.ts";
import { assertPromtoolParses, kcatReadAll } from "../../helpers/kcat.ts";
import { ROOT, ROOT_FLAG } from "../../helpers/wca_process.ts";

Deno.test("wca with a shared !KafkaStorage (YAML anchor) sends every iteration to Kafka through one producer", async () => {
  await using broker = await startKafkaMock();
  await broker.createTopic("all_metrics");
  const dir = await Deno.makeTempDir({ prefix: "wca-kafka-agent-" });
  try {
    const config = join(dir, "agent.yaml");
    await Deno.writeTextFile(
      config,
      `runner: !AllocationRunner
  config: !AllocationRunnerConfig
    node: !CgroupNode {}
    action_delay: 0.5
    metrics_storage: &kafka !KafkaStorage
      topic: all_metrics
      brokers_ips: ["${broker.bootstrap}"]
      max_timeout_in_seconds: 2.
  allocator: !NOPAllocator
  anomalies_storage: *kafka
  allocations_storage: *kafka
`,
      { mode: 0o600 },
    );
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "src/main.ts", "-c", config, "-l", "debug", ...ROOT_FLAG],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    let stderr = "";
    const reading = (async () => {
      for await (const text of child.stderr.pipeThrough(new TextDecoderStream())) stderr += text;
    })();
    const deadline = Date.now() + 60_000;
    while ((stderr.match(/\] iteration: /g) ?? []).length < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.kill("SIGTERM");
    const status = await child.status;
    await reading;
    assert.ok((stderr.match(/\] iteration: /g) ?? []).length >= 3, stderr);
    assert.equal(status.code, 0, stderr);
    assert.doesNotMatch(stderr, / (ERROR|CRITICAL) /, stderr);
    assert.equal(
      (stderr.match(/sending metrics to Kafka topic all_metrics/g) ?? []).length,
      1,
      "one storage",
    );

    const messages = await kcatReadAll(broker.bootstrap, "all_metrics");
    const all = messages.map((m) => m.payload).join("\n");
    assert.match(all, /^wca_up\{/m, "measurements");
    assert.match(all, /^allocations_count\{/m, "allocations");
    assert.ok(new Set(messages.map((m) => m.key)).size === 1, "one key: one partition, in order");
    for (const message of messages) await assertPromtoolParses(message.payload);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
