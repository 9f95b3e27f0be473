/**
 * deploy/grafana/wca.json against real data: two real agents (a DetectionRunner with the example detector,
 * an AllocationRunner with StaticAllocator, perf and uncore counters asked for) measure a real cgroup, a
 * real Prometheus scrapes both for a minute, and every panel's query is evaluated through Prometheus's
 * HTTP API. Each returns data, except those needing hardware this host lacks, which the test lists (and
 * checks are empty, so the list cannot go stale).
 */
import assert from "node:assert/strict";
import { PrometheusServer } from "../helpers/prometheus_server.ts";
import { withRealCgroups } from "../helpers/real_cgroups.ts";
import { Agent } from "../helpers/wca_agent.ts";
import { ROOT } from "../helpers/wca_process.ts";

interface Panel {
  readonly type: string;
  readonly title: string;
  readonly targets?: ReadonlyArray<{ readonly expr: string }>;
}

const dashboard = JSON.parse(Deno.readTextFileSync(`${ROOT}deploy/grafana/wca.json`)) as { panels: Panel[] };
const panels = dashboard.panels.filter((panel) => panel.type !== "row");

const exists = (path: string) => {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
};
const pmus = () => [...Deno.readDirSync("/sys/bus/event_source/devices")].map((entry) => entry.name);

/** Panels that need hardware, and whether this host has it. */
const HARDWARE: Readonly<Record<string, { needs: string; present: () => boolean }>> = {
  "Task instructions per cycle": {
    needs: "a CPU PMU (hardware perf events)",
    present: () => pmus().some((name) => name === "cpu" || name.startsWith("cpu_")),
  },
  "Memory bandwidth (uncore IMC)": {
    needs: "uncore IMC PMUs",
    present: () => pmus().some((name) => name.startsWith("uncore_imc")),
  },
  "Task LLC occupancy (RDT)": {
    needs: "RDT monitoring",
    present: () => exists("/sys/fs/resctrl/info/L3_MON"),
  },
  "Task memory bandwidth (RDT)": {
    needs: "RDT memory bandwidth monitoring",
    present: () => exists("/sys/fs/resctrl/info/L3_MON/mon_features"),
  },
};

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function writeConfig(dir: string, name: string, lines: string[]): Promise<string> {
  const path = `${dir}/${name}`;
  await Deno.writeTextFile(path, lines.join("\n") + "\n", { mode: 0o600 });
  return path;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("every panel of deploy/grafana/wca.json returns data from a real Prometheus scraping real agents, but those needing absent hardware", async () => {
  assert.ok(panels.length >= 12, `${panels.length} panels`);
  for (const title of Object.keys(HARDWARE)) {
    assert.ok(panels.some((panel) => panel.title === title), `the dashboard has the panel ${title}`);
  }
  await withRealCgroups(["cpuacct", "cpu", "memory"], 1, async (groups) => {
    const path = groups.paths[0]!;
    groups.spawnIn(path);
    const task = path.slice(1);
    const dir = await Deno.makeTempDir({ prefix: "wca-grafana-" });
    // HTTPMetricsStorage serves the latest batch it was given: one storage (port) per kind of batch.
    const ports = {
      metrics: freePort(),
      anomalies: freePort(),
      allocatorMetrics: freePort(),
      allocations: freePort(),
    };
    const detection = await writeConfig(dir, "detection.yaml", [
      "runner: !DetectionRunner",
      "  node: !StaticNode",
      `    tasks: ["${task}"]`,
      "  action_delay: 1.0",
      `  metrics_storage: !HTTPMetricsStorage { listen: "127.0.0.1:${ports.metrics}" }`,
      `  anomalies_storage: !HTTPMetricsStorage { listen: "127.0.0.1:${ports.anomalies}" }`,
      `  detector: !ExampleDetector { task_id: "${task}" }`,
    ]);
    const allocation = await writeConfig(dir, "allocation.yaml", [
      "runner: !AllocationRunner",
      "  measurement_runner: !MeasurementRunner",
      "    node: !StaticNode",
      `      tasks: ["${task}"]`,
      "    interval: 1.0",
      `    metrics_storage: !HTTPMetricsStorage { listen: "127.0.0.1:${ports.allocatorMetrics}" }`,
      "    event_names: [instructions, cycles]",
      // Uncore events the host has no PMU for are a startup error (hardware events are skipped instead).
      ...(HARDWARE["Memory bandwidth (uncore IMC)"]!.present()
        ? ["    uncore_event_names: [platform_cas_count_reads, platform_cas_count_writes]"]
        : []),
      "    enable_derived_metrics: true",
      "  allocator: !StaticAllocator",
      "    rules:",
      "      - name: every task",
      "        allocations: { cpu_quota: 0.5, cpu_shares: 1.0 }",
      `  allocations_storage: !HTTPMetricsStorage { listen: "127.0.0.1:${ports.allocations}" }`,
      `  anomalies_storage: !LogStorage { output_filename: ${dir}/allocator_anomalies.prom, overwrite: true }`,
    ]);
    const agents = [
      new Agent(["-c", detection, "-r", `${ROOT}examples/example_detector.ts`]),
      new Agent(["-c", allocation]),
    ];
    let prometheus: PrometheusServer | undefined;
    try {
      const targets = Object.values(ports).map((port) => `127.0.0.1:${port}`);
      prometheus = await PrometheusServer.start(targets, "wca");
      await prometheus.waitFor("every storage scraped", async () => {
        const up = await prometheus!.query("up == 1");
        return up.length === targets.length || undefined;
      }, 60_000).catch((error) => {
        throw new Error(`${error.message}\nagents:\n${agents.map((agent) => agent.stderr).join("\n")}`);
      });
      await delay(60_000); // a minute of scrapes: rate() over [1m] has points to work with
      const empty: string[] = [];
      for (const panel of panels) {
        for (const target of panel.targets ?? []) {
          const result = await prometheus.query(target.expr);
          const hardware = HARDWARE[panel.title];
          if (hardware && !hardware.present()) {
            assert.deepEqual(result, [], `${panel.title} has data without ${hardware.needs}`);
            empty.push(`${panel.title} (needs ${hardware.needs})`);
          } else {
            assert.ok(result.length > 0, `panel '${panel.title}': ${target.expr} returned no data`);
          }
        }
      }
      console.log(`panels empty for want of hardware on this host: ${empty.join("; ") || "none"}`);
      for (const agent of agents) assert.doesNotMatch(agent.stderr, /CRITICAL/);
    } finally {
      await prometheus?.stop();
      for (const agent of agents) await agent.dispose();
      await Deno.remove(dir, { recursive: true });
    }
  });
});
