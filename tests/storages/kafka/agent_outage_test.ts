/**
 * The real agent (src/main.ts, a process) with !KafkaStorage while the broker goes away for several
 * iterations and comes back: the runner keeps its interval (from the agent's own iteration log lines),
 * the outage is logged once, nothing inside the buffer bound is lost and the batches arrive in order.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startKafkaMock } from "../../helpers/kafka_mock.ts";
import { kcatReadAll } from "../../helpers/kcat.ts";
import { Agent } from "../../helpers/wca_agent.ts";

const INTERVAL_S = 1;

/** Milliseconds since the epoch of each `iteration:` log line (`2026-01-02 03:04:05,678 DEBUG …`). */
function iterationTimes(stderr: string): number[] {
  return [...stderr.matchAll(/^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3}) .*\] iteration: /gm)].map((m) =>
    new Date(`${m[1]!.replace(" ", "T")}.${m[2]}`).getTime()
  );
}

Deno.test("wca with !KafkaStorage keeps its interval while the broker is away and delivers the buffer in order", async () => {
  await using broker = await startKafkaMock();
  await broker.createTopic("outage");
  const dir = await Deno.makeTempDir({ prefix: "wca-kafka-outage-" });
  const config = join(dir, "agent.yaml");
  await Deno.writeTextFile(
    config,
    `runner: !MeasurementRunner
  node: !CgroupNode {}
  interval: ${INTERVAL_S}.
  metrics_storage: !KafkaStorage
    topic: outage
    brokers_ips: ["${broker.bootstrap}"]
    max_timeout_in_seconds: 0.5
    buffer_max_bytes: 16777216
    extra_config: {reconnect.backoff.ms: 200, reconnect.backoff.max.ms: 500}
`,
    { mode: 0o600 },
  );
  const agent = new Agent(["-c", config, "-l", "debug"]);
  const iterations = () => iterationTimes(agent.stderr).length;
  try {
    await agent.until("two iterations", () => iterations() >= 2, 30_000);
    await broker.down();
    const downAt = iterations();
    await agent.until("five iterations during the outage", () => iterations() >= downAt + 5, 30_000);
    await broker.up();
    const upAt = iterations();
    await agent.until("three iterations after the outage", () => iterations() >= upAt + 3, 30_000);
    await agent.until(
      "the buffer to be delivered",
      () => / reachable again after /.test(agent.stderr),
      30_000,
    );
    const status = await agent.stop("SIGTERM");
    assert.equal(status.code, 0, agent.stderr);

    const stderr = agent.stderr;
    const times = iterationTimes(stderr);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // The interval is kept: store() waits at most max_timeout_in_seconds, and not at all once the outage is
    // known, so no iteration starts much later than one interval after the previous one.
    const slowest = Math.max(...gaps);
    assert.ok(slowest < INTERVAL_S * 1000 + 1000, `iteration gaps ${gaps.join(", ")} ms`);
    assert.equal((stderr.match(/ WARNING .*unreachable for topic outage/g) ?? []).length, 1, stderr);
    assert.match(
      stderr,
      /reachable again after [\d.]+ s; \d+ buffered batches follow in order; nothing was dropped/,
    );
    assert.doesNotMatch(stderr, / (ERROR|CRITICAL) /, stderr);
    assert.doesNotMatch(stderr, /TimeoutNegativeWarning/, stderr);

    // Every stored batch arrived once, in order: the batch ids are one run of sequence numbers.
    const messages = await kcatReadAll(broker.bootstrap, "outage");
    const sequence = messages.map((m) => Number(/-(\d+)$/.exec(m.headers["wca-batch"] ?? "")?.[1]));
    assert.ok(sequence.length >= times.length, `${sequence.length} messages for ${times.length} iterations`);
    assert.deepEqual(sequence, sequence.map((_, i) => i), `batch sequence ${sequence.join(",")}`);
    const dropped = messages.map((m) =>
      /^wca_storage_dropped_metrics_total\{[^}]*storage="KafkaStorage"[^}]*\} (\d+)/m.exec(m.payload)?.[1]
    );
    assert.deepEqual(new Set(dropped), new Set(["0"]), "nothing dropped, and every batch says so");
  } finally {
    await agent.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});
