/**
 * Run by factory_test.ts in a process of its own (deno test --parallel shares one process between test
 * files, so only a separate process can count its file descriptors): the uncore factory with the real
 * libc on the uncore_on_software_pmu fixture, whose uncore_imc_0 is the kernel's software PMU. Prints
 * one JSON line: perf fds and all fds before, during and after, and two readings' metrics.
 */
import type { HostFacts } from "../../../src/runners/measurement/facts.ts";
import { uncoreSourceFactory } from "../../../src/perf/uncore/factory.ts";
import { StaticNode } from "../../../src/nodes/static_node.ts";
import { defaultHostPaths } from "../../../src/platform/host_paths.ts";
import { readTopology } from "../../../src/platform/topology.ts";
import { MeasurementRunner } from "../../../src/runners/measurement/runner.ts";

const fds = () => {
  let all = 0, perf = 0;
  for (const entry of Deno.readDirSync("/proc/self/fd")) {
    try {
      if (Deno.readLinkSync(`/proc/self/fd/${entry.name}`) === "anon_inode:[perf_event]") perf++;
      all++;
    } catch {
      // the directory's own fd, gone by the time it is read
    }
  }
  return { all, perf };
};
const spin = (ms: number) => {
  for (const until = performance.now() + ms; performance.now() < until;) { /* on the CPU */ }
};

// Deno opens a socketpair of its own about 0.5 s after start: take the baseline once that settled.
let before = fds();
for (let stable = performance.now(); performance.now() < 1500 || performance.now() - stable < 500;) {
  await new Promise((resolve) => setTimeout(resolve, 50));
  const now = fds();
  if (now.all !== before.all) [before, stable] = [now, performance.now()];
}
const hostPaths = { ...defaultHostPaths(), sys: Deno.args[0]! };
const context = { hostPaths };
const node = new StaticNode(StaticNode.schema.parse({ tasks: ["unused"] }), context);
const params = MeasurementRunner.schema.parse({
  node,
  uncore_event_names: JSON.parse(Deno.args[1]!),
  enable_derived_metrics: true,
});
const facts = { topology: readTopology(defaultHostPaths()) } as HostFacts;
const source = (await uncoreSourceFactory(params, context, facts))!;
const during = fds();
spin(30);
const first = source.platformMetrics({ host: "h" });
spin(30);
const second = source.platformMetrics({ host: "h" });
await source.close();
await source.close();
console.log(JSON.stringify({ before, during, after: fds(), first, second }));
