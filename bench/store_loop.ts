/**
 * 30 LogStorage.store calls (overwrite) of one 1000-task batch shaped like the runner's: 12 task_* metrics
 * per task sharing one frozen labels object. Timed as a whole process against another checkout of this file
 * (docs/benchmarks.md, Encoding).
 */
import { METRIC_CATALOG } from "../src/metrics/catalog.ts";
import type { Metric } from "../src/metrics/metric.ts";
import { LogStorage } from "../src/storages/log_storage.ts";
import { taskLabels } from "../tests/metrics/sample_batch.ts";
// Twelve task_* names of the catalog; which ones does not matter for the cost.
const names = Object.keys(METRIC_CATALOG).filter((name) => name.startsWith("task_")).slice(0, 12);
const labels = Array.from({ length: 1000 }, (_, i) => Object.freeze(taskLabels(i, "bench")));
const output = Deno.makeTempFileSync({ suffix: ".prom" });
const storage = new LogStorage({ output_filename: output, overwrite: true });
for (let round = 0; round < 30; round++) {
  const batch: Metric[] = [];
  for (let i = 0; i < 1000; i++) {
    for (const name of names) batch.push({ name, value: round * 1.5 + i, labels: labels[i]! });
  }
  await storage.store(batch);
}
Deno.removeSync(output);
