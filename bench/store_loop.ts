/**
 * 30 LogStorage.store calls (overwrite) of one 1000-task batch shaped like the runner's: 12 task_* metrics
 * per task sharing one frozen labels object. Timed as a whole process against another checkout of this file
 * (docs/benchmarks.md, Encoding).
 */
import { LogStorage } from "../src/storages/log_storage.ts";
import { taskLabels } from "../tests/metrics/sample_batch.ts";
const names = [
  "task_up",
  "task_last_seen",
  "task_subcontainers",
  "task_cpu_usage_seconds",
  "task_mem_usage_bytes",
  "task_mem_max_usage_bytes",
  "task_mem_limit_bytes",
  "task_mem_soft_limit_bytes",
  "task_mem_page_faults",
  "task_cpu_pressure_some_seconds",
  "task_mem_pressure_some_seconds",
  "task_io_pressure_some_seconds",
];
const labels = Array.from({ length: 1000 }, (_, i) => Object.freeze(taskLabels(i, "bench")));
const output = Deno.makeTempFileSync({ suffix: ".prom" });
const storage = new LogStorage({ output_filename: output, overwrite: true });
for (let round = 0; round < 30; round++) {
  const batch = [];
  for (let i = 0; i < 1000; i++) {
    for (const name of names) batch.push({ name, value: round * 1.5 + i, labels: labels[i] });
  }
  await storage.store(batch);
}
Deno.removeSync(output);
