/**
 * Cost of perf counting: one group read, and one PerfSource pass (read every task's groups and build
 * its metrics) over 10, 100 and 1000 real cgroups × every online CPU × 1, 2 or 4 software events, in the
 * hierarchy where this host counts perf events (it never mounts one). Needs root. Figures, not assertions.
 */
import { Libc, PERF_COUNT_SW } from "../../ffi/mod.ts";
import type { Task } from "../../src/components/interfaces.ts";
import { resolveEvents } from "../../src/perf/events.ts";
import { PerfEventGroup } from "../../src/perf/group.ts";
import { PerfSource } from "../../src/perf/source.ts";
import { readTopology } from "../../src/platform/topology.ts";
import { placePerfEvent, readCgroupLayout } from "../../src/platform/cgroup/mod.ts";
import { defaultHostPaths } from "../../src/platform/host_paths.ts";
import { readProcCgroups } from "../../src/platform/procfs/cgroups.ts";

const SIZES = [10, 100, 1000];
const EVENT_SETS = [
  ["task_task_clock_seconds"],
  ["task_task_clock_seconds", "task_context_switches"],
  ["task_task_clock_seconds", "task_context_switches", "task_cpu_migrations", "task_page_faults"],
];

// Counts where this host counts (see placePerfEvent); the bench never changes the perf_event binding.
const placement = placePerfEvent(readCgroupLayout(defaultHostPaths()), readProcCgroups(defaultHostPaths()));
if (placement.kind === "unavailable") throw new Error(`perf bench: ${placement.reason}`);
const MOUNT = placement.root;
const parent = `/wca-perf-bench-${Deno.pid}`;
const paths = Array.from({ length: Math.max(...SIZES) }, (_, i) => `${parent}/t${i}`);
for (const path of [parent, ...paths]) Deno.mkdirSync(MOUNT + path);

const libc = new Libc();
const cpus = readTopology(defaultHostPaths()).onlineCpus;
const taskOf = (path: string): Task => ({
  name: path,
  task_id: path,
  cgroup_path: path,
  subcgroups_paths: [],
  labels: {},
  resources: {},
});
const labels = Object.freeze({ host: "bench" });
const sources: PerfSource[] = [];

for (const [i, count] of [1, 4].entries()) {
  const events = Array.from({ length: count }, (_, j) => ({
    name: `e${j}`,
    attr: {
      type: 1,
      config: BigInt(
        [
          PERF_COUNT_SW.TASK_CLOCK,
          PERF_COUNT_SW.CONTEXT_SWITCHES,
          PERF_COUNT_SW.CPU_MIGRATIONS,
          PERF_COUNT_SW.PAGE_FAULTS,
        ][j]!,
      ),
    },
  }));
  const group = PerfEventGroup.open(libc, events, { pid: 0, cpu: -1 });
  Deno.bench(
    `group read, ${count} event${count > 1 ? "s" : ""}`,
    { group: "read", baseline: i === 0 },
    () => {
      group.read();
    },
  );
}

for (const names of EVENT_SETS) {
  const { events } = resolveEvents(names, "unknown");
  for (const size of SIZES) {
    const source = new PerfSource(libc, events, {
      cgroupRoot: MOUNT,
      cpus,
      aggregateCpus: true,
      derivedMetrics: false,
      maxOpenFiles: 1 << 20,
    });
    const tasks = paths.slice(0, size).map(taskOf);
    source.sync(tasks);
    sources.push(source);
    const groups = size * cpus.length;
    Deno.bench(
      `${size} cgroups × ${cpus.length} CPUs × ${names.length} events (${groups} group reads)`,
      { group: `${names.length} events` },
      () => {
        for (const task of tasks) source.taskMetrics(task, labels);
      },
    );
  }
}

globalThis.addEventListener("unload", () => {
  for (const source of sources) source.close();
  for (const path of [...paths].reverse()) Deno.removeSync(MOUNT + path);
  Deno.removeSync(MOUNT + parent);
});
