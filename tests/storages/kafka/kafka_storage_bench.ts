/**
 * KafkaStorage at 1000 tasks against the mock broker on loopback: what one store() of an iteration's batch
 * costs the agent (CPU and wall time, encoding, splitting and the acknowledged send), and how many messages
 * per second the storage sustains back to back. Figures in docs/benchmarks-kafka.md.
 *
 *   deno run -A tests/storages/kafka/kafka_storage_bench.ts [tasks] [seconds]   # the table
 *   deno bench -A tests/storages/kafka/kafka_storage_bench.ts                  # deno bench's view
 */
import process from "node:process";
import { encodeMetrics } from "../../../src/metrics/prometheus.ts";
import { KafkaStorage } from "../../../src/storages/kafka/mod.ts";
import { splitAtFamilies } from "../../../src/storages/kafka/messages.ts";
import { startKafkaMock } from "../../helpers/kafka_mock.ts";
import { realisticBatch } from "../../metrics/sample_batch.ts";

const TASKS = Number(Deno.args[0] ?? 1000);
const SECONDS = Number(Deno.args[1] ?? 10);

async function setUp(compression: "none" | "gzip") {
  const broker = await startKafkaMock();
  await broker.createTopic("bench");
  const storage = new KafkaStorage({
    topic: "bench",
    brokers_ips: [broker.bootstrap],
    max_timeout_in_seconds: 5,
    compression,
  });
  // The agent hands storages frozen label objects that it keeps between iterations (a task's labels, the
  // platform's), so an encoder makes each label set's text once; the same here.
  const batch = realisticBatch({ tasks: TASKS, cpus: 4, numaNodes: 2 })
    .map((m) => ({ ...m, labels: Object.freeze({ ...m.labels }) }));
  await storage.store(batch); // connects
  return { broker, storage, batch };
}

if (import.meta.main) {
  const rows: string[] = [];
  for (const compression of ["none", "gzip"] as const) {
    const { broker, storage, batch } = await setUp(compression);
    const text = new TextEncoder().encode(encodeMetrics(batch, { timestamps: true, now: Date.now() }));
    const bytes = text.length;
    const perBatch = splitAtFamilies(text, 1_000_000).length;
    let iterations = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    while (performance.now() - t0 < SECONDS * 1000) {
      await storage.store(batch);
      iterations++;
    }
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const messages = perBatch * iterations;
    const perIterationCpuMs = (cpu.user + cpu.system) / 1000 / iterations;
    rows.push(
      `| ${TASKS} | ${batch.length} | ${(bytes / 1e6).toFixed(2)} MB | ${compression} | ${
        (wall * 1000 / iterations).toFixed(1)
      } ms | ${perIterationCpuMs.toFixed(1)} ms | ${(iterations / wall).toFixed(1)} batches/s, ${
        (messages / wall).toFixed(0)
      } msg/s (${perBatch} per batch) | ${(bytes * iterations / wall / 1e6).toFixed(1)} MB/s |`,
    );
    await storage.close();
    await broker.close();
  }
  console.log(
    "| tasks | samples | batch | compression | store() wall | agent CPU per store() | rate | text sent |",
  );
  console.log("| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |");
  for (const row of rows) console.log(row);
} else {
  const { storage, batch } = await setUp("none");
  Deno.bench(`KafkaStorage.store: ${TASKS} tasks, ${batch.length} samples, acknowledged`, async () => {
    await storage.store(batch);
  });
}
