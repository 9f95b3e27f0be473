/**
 * What the agent and its companions print while they run and something goes wrong around them, as the
 * docs quote it: a plugin's flooding or hanging allocator (docs/allocations.md, docs/orchestrators.md), a
 * kubelet that stops answering (a loopback server), connection floods on the metrics endpoint from several
 * loopback addresses (docs/operations.md), a producer's bad message to wca-kafka-consumer (librdkafka's mock
 * broker fed by kcat, docs/kafka.md) and a number the wrapper refuses (docs/wrappers.md).
 */
import net from "node:net";
import { ROOT } from "../helpers/wca_process.ts";
import { spawnUntil } from "../helpers/spawned.ts";
import { Agent } from "../helpers/wca_agent.ts";
import { startJsonServer } from "../helpers/json_server.ts";
import { podList } from "../helpers/k8s_docs.ts";
import { startKafkaMock } from "../helpers/kafka_mock.ts";
import { kcatProduce } from "../helpers/kcat.ts";
import { both, freePort, inTempDir, type Scenarios, writeFile } from "./scenario_kit.ts";

/** The agent (as packaged, from the repository) with `config` written in `dir`; `steps` drive it, then it stops. */
async function agentRun(
  dir: string,
  config: string,
  args: string[],
  steps: (agent: Agent) => Promise<void>,
): Promise<string> {
  writeFile(`${dir}/agent.yaml`, config, 0o600);
  const agent = new Agent(["-c", `${dir}/agent.yaml`, ...args]);
  try {
    await steps(agent);
    await agent.stop("SIGTERM");
  } finally {
    await agent.dispose();
  }
  return `${agent.stdout}\n${agent.stderr}`;
}

const logged = (agent: Agent, pattern: RegExp, what = String(pattern)) =>
  agent.until(what, () => pattern.test(agent.stderr), 30_000);

/** An AllocationRunner over no tasks with `allocator`, its storages in files of `dir`. */
function allocationConfig(dir: string, allocator: string, interval = 0.5): string {
  const storage = (name: string) => `!LogStorage { output_filename: ${dir}/${name}.prom, overwrite: true }`;
  return `runner: !AllocationRunner\n  node: !StaticNode { tasks: [] }\n  action_delay: ${interval}\n` +
    `  metrics_storage: ${storage("metrics")}\n  allocations_storage: ${storage("allocations")}\n` +
    `  anomalies_storage: ${storage("anomalies")}\n  allocator: ${allocator}\n`;
}

/** The flood fixture answering `entries` refused allocations from its first call, until it is refused. */
const flood = (entries: number) => () =>
  inTempDir(async (dir) => ({
    output: await agentRun(
      dir,
      allocationConfig(dir, `!FloodAllocator { entries: ${entries}, calm: 0 }`),
      ["-r", "tests/fixtures/components/flood_allocator.ts"],
      (agent) => logged(agent, /ERROR .*FloodAllocator\.allocate\(\)/),
    ),
  }));

/** `count` connections to 127.0.0.1:`port` from the loopback address `from`, held open without a request. */
function connections(port: number, from: string, count: number): Promise<net.Socket[]> {
  return Promise.all(Array.from({ length: count }, () =>
    new Promise<net.Socket>((resolve, reject) => {
      const socket = net.connect({ host: "127.0.0.1", port, localAddress: from });
      socket.on("connect", () => resolve(socket));
      socket.on("data", () => {}); // a 503, then the close
      socket.on("error", reject);
    })));
}

/**
 * An agent serving /metrics while `flood` ([address, connections]) connects in turn and holds on, until
 * `logLine` is logged and a scrape (from 127.0.0.1) shows the drops counted; the agent's output and that scrape.
 */
function connectionFlood(flood: ReadonlyArray<readonly [string, number]>, logLine: RegExp) {
  return inTempDir(async (dir) => {
    const port = freePort();
    const url = `http://127.0.0.1:${port}/metrics`;
    const config = "runner: !MeasurementRunner\n  interval: 0.5\n  node: !StaticNode { tasks: [] }\n" +
      `  metrics_storage: !HTTPMetricsStorage\n    listen: 127.0.0.1:${port}\n` +
      "    header_timeout: 60\n"; // the held connections stay until the last one comes, on a loaded host too
    const held: net.Socket[] = [];
    let scraped = "";
    const dropsCounted = async () => {
      scraped = await fetch(url).then((r) => r.text()).catch(() => "");
      return /^wca_http_connections_dropped_total\{.* [1-9]\d*$/m.test(scraped);
    };
    const output = await agentRun(dir, config, [], async (agent) => {
      await agent.until("the first batch", async () => (await fetch(url).catch(() => null))?.status === 200);
      for (const [from, count] of flood) held.push(...await connections(port, from, count));
      await logged(agent, logLine);
      await agent.until("the drops counted in a batch", dropsCounted);
    }).finally(() => held.forEach((socket) => socket.destroy()));
    return {
      output: `${output}\n${scraped}`,
      replacements: [[`127.0.0.1:${port}`, "127.0.0.1:39123"]] as [string, string][],
    };
  });
}

export const RUNTIME_SCENARIOS: Scenarios = {
  "allocation-flood": flood(1_000_000),

  "allocation-refused": flood(5),

  "allocation-overrun": () =>
    inTempDir(async (dir) => ({
      output: await agentRun(
        dir,
        allocationConfig(dir, "!HangingAllocator { hanging: 5 }", 0.2),
        ["-r", "tests/fixtures/components/hanging_allocator.ts"],
        (agent) => logged(agent, /interval works again/),
      ),
      // A loaded host may skip two ticks in the first overrun: the count is any number, and so its plural.
      replacements: [["iterations; repeats", "iteration; repeats"]],
      anyNumbers: true,
    })),

  "kubelet-hangs": () =>
    inTempDir(async (dir) => {
      const kubelet = await startJsonServer({ kind: "json", body: podList([]) });
      const config = "runner: !MeasurementRunner\n  interval: 1\n  node: !KubernetesNode\n" +
        `    kubelet_enabled: true\n    kubelet_endpoint: ${kubelet.url}\n    cgroup_driver: cgroupfs\n` +
        `  metrics_storage: !LogStorage { output_filename: ${dir}/metrics.prom, overwrite: true }\n`;
      const output = await agentRun(dir, config, [], async (agent) => {
        await agent.until("the kubelet asked", () => kubelet.requests.length > 0);
        kubelet.behaviour = { kind: "hang" };
        await logged(agent, /no complete answer within/);
        kubelet.behaviour = { kind: "json", body: podList([]) };
        await logged(agent, /works again/);
      }).finally(() => kubelet.close());
      return { output, replacements: [[kubelet.url, "http://127.0.0.1:41437"]], anyNumbers: true };
    }),

  "http-connection-floods": async () => {
    // One address over max_connections_per_address; four filling max_connections, then a fifth.
    const [oneAddress, fourAddresses] = await Promise.all([
      connectionFlood([["127.0.0.2", 17]], /refusing connections from 127\.0\.0\.2/),
      connectionFlood(
        [["127.0.0.3", 16], ["127.0.0.4", 16], ["127.0.0.5", 16], ["127.0.0.6", 16], ["127.0.0.7", 1]],
        /connections are open \(max_connections\)/,
      ),
    ]);
    return {
      output: `${oneAddress.output}\n${fourAddresses.output}`,
      replacements: [
        ...oneAddress.replacements,
        ...fourAddresses.replacements,
        [`host="${Deno.hostname()}"`, 'host="vm"'],
      ],
      anyNumbers: true,
    };
  },

  "kafka-consumer-refusal": () =>
    inTempDir(async (dir) => {
      await using broker = await startKafkaMock();
      await broker.createTopic("wca_metrics", 1);
      let producing: Promise<void> | undefined;
      const run = await spawnUntil(Deno.execPath(), [
        "run",
        "-A",
        `${ROOT}src/kafka_consumer/main.ts`,
        "--brokers",
        broker.bootstrap,
        "--topic",
        "wca_metrics",
        "--listen",
        `127.0.0.1:${freePort()}`,
      ], {
        cwd: dir,
        until: ({ stderr }) => {
          if (!producing && /joined the group/.test(stderr)) {
            producing = kcatProduce(broker.bootstrap, "wca_metrics", "# TYPE wca_up gauge\nwca_up 1\n")
              .then(() => kcatProduce(broker.bootstrap, "wca_metrics", "hello world\n"));
          }
          return /offset 1: refused/.test(stderr);
        },
      });
      await producing;
      return { output: both(run) };
    }),

  "wrapper-number-refused": () =>
    inTempDir(async (dir) => {
      const run = await spawnUntil(Deno.execPath(), [
        "run",
        "-A",
        "src/wrapper/main.ts",
        "--command",
        "printf 'latency=1.5e-05 rate=2.5E+3 errors=-Inf ratio=NaN big=1e999 id=0x1F\\n'",
        "--subprocess_shell",
        "--prometheus_port",
        "-1",
        "--storage_output_filename",
        `${dir}/w.prom`,
        "--log_level",
        "WARNING",
      ], { cwd: ROOT, until: ({ stderr }) => /outside the range of a double/.test(stderr) });
      return { output: both(run), replacements: [[`${dir}/w.prom`, "/tmp/w.prom"]] };
    }),
};
