/**
 * deploy/grafana/wca.json against real data: a real Prometheus (Debian package prometheus) scrapes two real
 * agents (src/main.ts) for a minute, a DetectionRunner with the examples' ExampleDetector and an
 * AllocationRunner with StaticAllocator, both measuring a real cgroup task running stress-ng with perf
 * events asked for; then every panel's query, its variables expanded as Grafana would, goes through
 * Prometheus's /api/v1/query. Each must be valid PromQL and return data, except where it reads a metric
 * family wca itself did not export on this host for want of the hardware (perf counters, uncore PMUs,
 * RDT, PSI): those are derived from the agents' own /metrics and printed.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { withPerfCountedCgroups } from "../helpers/perf_cgroup.ts";
import { PrometheusServer } from "../helpers/prometheus_server.ts";
import { spawnStressNg } from "../helpers/stress.ts";
import { Agent } from "../helpers/wca_agent.ts";
import {
  expand,
  familiesIn,
  familiesOfText,
  hardwareOf,
  type HostHardware,
  hostHardware,
  loadDashboard,
  panelQueries,
  uncorePmuOf,
} from "./grafana_dashboard.ts";

/** The issue asks for a minute of scraping: rates then span many scrapes. */
const SCRAPE_WINDOW_MS = 60_000;
/** Grafana's $__rate_interval is at least four scrape intervals; Prometheus here scrapes every second. */
const RATE_INTERVAL = "10s";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Uncore events for the PMU families this host has (none on a VM). */
function uncoreEvents(host: HostHardware): string[] {
  const events = [
    "platform_cas_count_reads",
    "platform_cas_count_writes",
    "platform_upi_txl_flits",
    "platform_upi_rxl_flits",
  ];
  return events.filter((event) => host.uncorePmus.has(uncorePmuOf(event)));
}

const measurement = (parent: string, port: number, host: HostHardware) => [
  "  node: !CgroupNode",
  `    parents: ["${parent}"]`,
  "  action_delay: 1.",
  "  event_names: [task_instructions, task_cycles, task_cache_misses, task_cache_references, " +
  "task_context_switches]",
  "  enable_derived_metrics: true",
  `  uncore_event_names: [${uncoreEvents(host).join(", ")}]`,
  "  metrics_storage: !HTTPMetricsStorage",
  `    listen: 127.0.0.1:${port}`,
];

Deno.test("the dashboard's schema: a current Grafana's, a Prometheus datasource and a host variable", () => {
  const dashboard = loadDashboard();
  assert.ok(
    dashboard.schemaVersion >= 39,
    `schemaVersion ${dashboard.schemaVersion} is older than Grafana 11's`,
  );
  const variables = Object.fromEntries(dashboard.templating.list.map((v) => [v.name, v]));
  assert.equal(variables.datasource?.type, "datasource");
  assert.equal(variables.datasource?.query, "prometheus");
  assert.equal(variables.host?.type, "query");
  assert.equal(variables.host?.definition, "label_values(wca_up, host)");
  const families = new Set(panelQueries(dashboard).flatMap((q) => familiesIn(q.expr)));
  for (const prefix of ["platform_", "task_", "anomaly", "allocation"]) {
    assert.ok([...families].some((f) => f.startsWith(prefix)), `no panel shows a ${prefix}* metric`);
  }
});

Deno.test("every panel of deploy/grafana/wca.json returns data from a real Prometheus scraping real agents", async () => {
  const dashboard = loadDashboard();
  const queries = panelQueries(dashboard);
  const host = hostHardware();
  await withPerfCountedCgroups(1, async (groups) => {
    const path = groups.paths[0]!;
    spawnStressNg(
      groups,
      path,
      "--cpu",
      "1",
      "--cpu-load",
      "20",
      "--vm",
      "1",
      "--vm-bytes",
      "32M",
      "--timeout",
      "300s",
    );
    const dir = await Deno.makeTempDir({ prefix: "wca-dashboard-" });
    const ports = {
      detection: freePort(),
      anomalies: freePort(),
      allocation: freePort(),
      allocations: freePort(),
    };
    const rules = join(dir, "rules.yaml");
    await Deno.writeTextFile(
      rules,
      "- name: all\n  allocations:\n    cpu_quota: 0.5\n    cpu_shares: 0.5\n",
    );
    const detection = join(dir, "detection.yaml");
    await Deno.writeTextFile(
      detection,
      [
        "runner: !DetectionRunner",
        ...measurement(groups.parent, ports.detection, host),
        "  anomalies_storage: !HTTPMetricsStorage",
        `    listen: 127.0.0.1:${ports.anomalies}`,
        "  detector: !ExampleDetector",
        `    task_id: ${path}`,
        "",
      ].join("\n"),
    );
    const allocation = join(dir, "allocation.yaml");
    await Deno.writeTextFile(
      allocation,
      [
        "runner: !AllocationRunner",
        ...measurement(groups.parent, ports.allocation, host),
        "  allocator: !StaticAllocator",
        `    config: ${rules}`,
        "  allocations_storage: !HTTPMetricsStorage",
        `    listen: 127.0.0.1:${ports.allocations}`,
        "",
      ].join("\n"),
    );
    const agents = [
      new Agent(["-c", detection, "-r", "examples/example_detector.ts"]),
      new Agent(["-c", allocation]),
    ];
    const targets = Object.values(ports).map((port) => `127.0.0.1:${port}`);
    let prometheus: PrometheusServer | undefined;
    try {
      for (const agent of agents) {
        await agent.until("the first batch", () => agent.stderr.includes("CgroupNode: 1 task"), 30_000);
      }
      prometheus = await PrometheusServer.start(targets, "wca");
      const server = prometheus;
      await server.waitFor("every target up", async () => {
        const up = await server.query("up == 1");
        return up.length === targets.length || undefined;
      });
      await new Promise((resolve) => setTimeout(resolve, SCRAPE_WINDOW_MS));

      // What wca itself exported on this host, from each agent's own endpoints.
      const exported = new Set<string>();
      for (const target of targets) {
        const text = await (await fetch(`http://${target}/metrics`)).text();
        for (const family of familiesOfText(text)) exported.add(family);
      }
      const hosts = await server.labelValues("host", "wca_up");
      assert.equal(hosts.length, 1, `label_values(wca_up, host): ${hosts}`);
      const vars = { host: hosts[0]!, rateInterval: RATE_INTERVAL };

      const lacking: string[] = [];
      const failures: string[] = [];
      for (const query of queries) {
        const expr = expand(query.expr, vars);
        const result = await server.query(expr); // invalid PromQL throws here
        const missing = familiesIn(expr).filter((family) => !exported.has(family));
        const label = `"${query.panel}" ${query.refId}: ${expr}`;
        if (missing.length === 0) {
          if (result.length === 0) failures.push(`${label} returned no data`);
          continue;
        }
        const unexplained = missing.filter((family) => !hardwareOf(family, host));
        if (unexplained.length) {
          failures.push(
            `${label}: wca did not export ${unexplained.join(", ")}, which needs no special hardware`,
          );
        } else {
          assert.equal(result.length, 0, `${label} returned data for families wca did not export`);
          lacking.push(`${label} (${missing.map((f) => `${f}: ${hardwareOf(f, host)}`).join(", ")})`);
        }
      }
      console.log(
        `${queries.length} panel queries; ${queries.length - lacking.length} returned data; ` +
          `${lacking.length} read hardware this host lacks:\n  ${lacking.join("\n  ")}`,
      );
      assert.deepEqual(failures, [], failures.join("\n"));
      for (const agent of agents) assert.doesNotMatch(agent.stderr, /ERROR|CRITICAL/, agent.stderr);
    } finally {
      await prometheus?.stop();
      for (const agent of agents) await agent.dispose();
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("a panel query that is not valid PromQL fails the evaluation", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const target = `127.0.0.1:${(listener.addr as Deno.NetAddr).port}`;
  listener.close();
  await using prometheus = await PrometheusServer.start(target, "nothing");
  const expr = expand('rate(task_cpu_usage_seconds{host=~"$host"}[$__rate_interval]', {
    host: "vm",
    rateInterval: RATE_INTERVAL,
  });
  await assert.rejects(prometheus.query(expr), /bad_data|parse error/);
  assert.throws(
    () => expand("rate(x[$interval])", { host: "vm", rateInterval: "10s" }),
    /unknown variable \$interval/,
  );
});
