/**
 * Golden /metrics output per fixture host, as node_exporter's e2e-output.txt: the whole text
 * HTTPMetricsStorage serves after two iterations of a fixed configuration on one fixture host tree,
 * with the values that change from run to run (timestamps, durations, the agent's own memory) replaced
 * by placeholders. One scenario per process, so the agent's log counts are those of that run alone.
 *
 *   deno run -A --frozen tests/integration/golden_render.ts v2_unified     # prints one scenario
 *   deno task golden                                                     # rewrites every golden file
 */
import { fileURLToPath } from "node:url";
import type { Task } from "../../src/components/interfaces.ts";
import type { ComponentContext } from "../../src/components/component.ts";
import { StaticNode } from "../../src/nodes/static_node.ts";
import { hostPathsUnder } from "../../src/platform/host_paths.ts";
import { groupNameFor } from "../../src/platform/resctrl/mod.ts";
import { MeasurementRunner } from "../../src/runners/measurement/runner.ts";
import type { MeasurementSourceFactory } from "../../src/sources/contract.ts";
import { memoryTopologySourceFactory } from "../../src/sources/memory_topology.ts";
import { type RdtParams, rdtSourceFactory } from "../../src/sources/rdt.ts";
import { HTTPMetricsStorage } from "../../src/storages/http_storage.ts";
import { resctrlHost, type ResctrlScenario } from "../helpers/resctrl_model.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));
export const GOLDEN_DIR = `${FIXTURES}golden/`;

/** Each scenario: the host tree, the tasks (cgroup names) of the fixed configuration, RDT or not. */
export interface GoldenScenario {
  /** Task cgroups of the StaticNode. */
  readonly tasks: string[];
  /** A resctrl model laid over its base host (tests/helpers/resctrl_model.ts). */
  readonly rdt?: ResctrlScenario;
  /** A host tree whose sys/firmware is laid over `host`, measured with gather_hw_mm_topology. */
  readonly memoryModules?: string;
  readonly host?: string;
}

/** Each scenario: the host tree, the tasks (cgroup names) of the fixed configuration, RDT or not. */
export const GOLDEN_SCENARIOS: Readonly<Record<string, GoldenScenario>> = {
  v1_split: { tasks: ["task1", "task2"] },
  v1_comounted: { tasks: ["task1", "docker/3f1c9a7e5b2d"] },
  v2_unified: {
    tasks: ["task1", "kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0f1e2d3c.slice"],
  },
  hybrid: { tasks: ["task1", "task2"] },
  rdt_intel_2s_cdp: { tasks: ["task1", "docker/3f1c9a7e5b2d"], rdt: "intel_2s_cdp" },
  rdt_intel_1s_mba_mbps: { tasks: ["task1", "task2"], rdt: "intel_1s_mba_mbps" },
  rdt_amd_epyc_2s: { tasks: ["task1"], rdt: "amd_epyc_2s" },
  // gather_hw_mm_topology: the SMBIOS memory devices laid over a 2-socket Xeon host.
  memory_modules_v1_comounted: { tasks: ["task1"], host: "v1_comounted", memoryModules: "smbios_clx_optane" },
};

/** Families whose values differ from run to run, by what they hold. */
const VOLATILE: Readonly<Record<string, string>> = {
  wca_up: "<timestamp>",
  task_last_seen: "<timestamp>",
  platform_last_seen: "<timestamp>",
  wca_duration_seconds: "<duration>",
  wca_duration_seconds_avg: "<duration>",
  wca_mem_usage_bytes: "<bytes>",
  task_wss_measure_overhead_seconds: "<duration>",
};

/** The text with volatile sample values replaced; every other byte is kept. */
export function normalise(text: string): string {
  return text.split("\n").map((line) => {
    if (line.startsWith("#") || line === "") return line;
    // The endpoint listens on a free port the test picks.
    line = line.replace(/listen="127\.0\.0\.1:\d+"/, 'listen="127.0.0.1:<port>"');
    const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0] ?? "";
    const placeholder = VOLATILE[name];
    if (placeholder === undefined) return line;
    // The value is the last field (these samples carry no timestamp).
    return line.replace(/ \S+$/, ` ${placeholder}`);
  }).join("\n");
}

/** Fixed resctrl counters for the second iteration, so the RDT families show real numbers. */
function setCounters(
  root: string,
  path: string,
  model: { setCounter(d: string, m: string, e: string, v: number): void },
) {
  const dir = `${root}/mon_groups/${groupNameFor(path)}`;
  const domains = [...Deno.readDirSync(`${dir}/mon_data`)].map((e) => e.name).sort();
  domains.forEach((domain, i) => {
    model.setCounter(dir, domain, "llc_occupancy", 1_048_576 * (i + 1));
    model.setCounter(dir, domain, "mbm_total_bytes", 4_000_000 * (i + 1));
    model.setCounter(dir, domain, "mbm_local_bytes", 3_000_000 * (i + 1));
  });
}

/** A temporary copy of a host tree with another fixture's `sys/firmware` laid over it. */
async function overlaidHost(host: string, modules: string) {
  const dir = await Deno.makeTempDir({ prefix: `wca_golden_${host}_` });
  for (const from of [`${FIXTURES}hosts/${host}`, `${FIXTURES}hosts/${modules}`]) {
    const out = await new Deno.Command("cp", { args: ["-r", `${from}/.`, dir] }).output();
    if (!out.success) throw new Error(`cp ${from}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return {
    paths: hostPathsUnder(dir),
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Two iterations of the fixed configuration on the scenario's host; the /metrics text, normalised. */
export async function renderGolden(scenario: string): Promise<string> {
  const spec = GOLDEN_SCENARIOS[scenario];
  if (spec === undefined) throw new Error(`unknown scenario ${scenario}`);
  await using rdtHost = spec.rdt === undefined ? undefined : await resctrlHost(spec.rdt);
  await using overlay = spec.memoryModules === undefined
    ? undefined
    : await overlaidHost(spec.host!, spec.memoryModules);
  const hostPaths = rdtHost?.paths ?? overlay?.paths ?? hostPathsUnder(`${FIXTURES}hosts/${scenario}`);
  const context: ComponentContext = { hostPaths };
  const storage = new HTTPMetricsStorage({}, undefined, { port: 0 });
  const node = new StaticNode(
    StaticNode.schema.parse({
      tasks: spec.tasks,
      default_resources: { cpus: 1, mem: 1_073_741_824 },
      default_labels: { team: "golden" },
    }),
    context,
  );
  const factories: MeasurementSourceFactory<RdtParams>[] = rdtHost === undefined
    ? []
    : [rdtSourceFactory({ directories: rdtHost.model })];
  const runner = new MeasurementRunner(
    MeasurementRunner.schema.parse({
      node,
      metrics_storage: storage,
      extra_labels: { env: "golden" },
      gather_hw_mm_topology: overlay !== undefined,
    }),
    context,
    overlay === undefined ? factories : [memoryTopologySourceFactory],
  );
  try {
    const facts = await runner.start();
    const labels = { host: "golden-host", env: "golden" };
    await runner.iterate(facts, labels);
    if (rdtHost !== undefined) {
      for (const task of node.getTasks() as Task[]) {
        setCounters(hostPaths.resctrl, task.cgroup_path, rdtHost.model);
      }
    }
    await runner.iterate(facts, labels);
    const response = await fetch(storage.url);
    return normalise(await response.text());
  } finally {
    await runner.close();
    await storage.close();
  }
}

/** Renders `scenario` in a fresh deno process (its own log counts). */
export async function renderInProcess(scenario: string): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--frozen", fileURLToPath(import.meta.url), scenario],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`rendering ${scenario} failed:\n${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout);
}

if (import.meta.main) {
  if (Deno.args[0] === "--write") {
    for (const scenario of Object.keys(GOLDEN_SCENARIOS)) {
      const text = await renderInProcess(scenario);
      await Deno.writeTextFile(`${GOLDEN_DIR}${scenario}.prom`, text);
      console.error(`wrote ${GOLDEN_DIR}${scenario}.prom`);
    }
  } else {
    await Deno.stdout.write(new TextEncoder().encode(await renderGolden(Deno.args[0] ?? "")));
  }
}
