/**
 * Issue 20's slow-client attack on a real agent: `wca` with HTTPMetricsStorage as a subprocess, an
 * attacker process (slow_clients_attacker.ts) holding 64 and then 1,000 connections from 127.0.0.2 that
 * trickle their request heads and reconnect when closed (then 1,000 from eight addresses, which fill
 * max_connections, so the oldest waiting connections are shed), and Prometheus-like scrapes from 127.0.0.1,
 * each on a new connection with Prometheus' default 10 s timeout. At least 95 % of the scrapes must
 * succeed and the agent's RSS (/proc/PID/status) must stay within 20 MiB of its idle figure. The figures
 * are printed (docs/operations.md quotes them). Before the per-address limit, 17 of 19 scrapes got 503
 * with 64 such connections.
 */
import { withCpuLoadLock } from "../helpers/stress.ts";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { Agent } from "../helpers/wca_agent.ts";

const ATTACKER = fileURLToPath(new URL("./slow_clients_attacker.ts", import.meta.url));
const ATTACKER_ADDRESS = "127.0.0.2";
const SCRAPES = 40;
/** Prometheus' default scrape_timeout. */
const SCRAPE_TIMEOUT_MS = 10_000;
const SCRAPE_EVERY_MS = 250;
const MIN_SUCCESS = 0.95;
const RSS_SLACK_MIB = 20;
/** Prometheus' own Accept header (2.x), so the scrape is OpenMetrics and ends with `# EOF`. */
const ACCEPT =
  "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75," +
  "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

function rssMiB(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)![1]) / 1024;
}

interface Scrape {
  ok: boolean;
  ms: number;
  /** wca_http_connections_dropped_total by `limit/dropped`, e.g. "max_connections/oldest_waiting". */
  dropped?: Record<string, number>;
  failure?: string;
}

const DROPPED = /^wca_http_connections_dropped_total\{([^}]*)\} (\d+)/gm;

function droppedCounters(body: string): Record<string, number> {
  const counters: Record<string, number> = {};
  for (const [, labels, value] of body.matchAll(DROPPED)) {
    const label = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(labels!)?.[1];
    counters[`${label("limit")}/${label("dropped")}`] = Number(value);
  }
  return counters;
}

/** One scrape as Prometheus makes it: a whole OpenMetrics body within the timeout, or a failure. */
async function scrape(url: string, client: Deno.HttpClient): Promise<Scrape> {
  const start = performance.now();
  try {
    const response = await fetch(url, {
      client,
      headers: {
        accept: ACCEPT,
        "accept-encoding": "gzip",
        "user-agent": "Prometheus/2.45.3",
        "x-prometheus-scrape-timeout-seconds": String(SCRAPE_TIMEOUT_MS / 1000),
      },
      signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS),
    });
    const body = await response.text();
    const ms = performance.now() - start;
    if (response.status !== 200 || !body.endsWith("# EOF\n")) {
      return { ok: false, ms, failure: `${response.status} ${body.slice(0, 60)}` };
    }
    return { ok: true, ms, dropped: droppedCounters(body) };
  } catch (error) {
    return { ok: false, ms: performance.now() - start, failure: (error as Error).message };
  }
}

interface AttackerCounts {
  connects: number;
  closedByServer: number;
  errors: Record<string, number>;
  bytes: number;
  stillOpen: number;
}

interface Attack {
  connections: number;
  from: string[];
  /** The counter (`limit/dropped`) this attack must raise. */
  counter: string;
  /** Whether the agent's RSS must stay within RSS_SLACK_MIB of idle (else it is only printed). */
  rssBounded: boolean;
}

/** One address, as in the issue. */
const ONE_ADDRESS: Attack[] = [
  { connections: 64, from: [ATTACKER_ADDRESS], counter: "max_connections_per_address/new", rssBounded: true },
  {
    connections: 1000,
    from: [ATTACKER_ADDRESS],
    counter: "max_connections_per_address/new",
    rssBounded: true,
  },
];

/**
 * Eight addresses: 8 × 16 fill max_connections (64), so the oldest waiting connections are shed. Each
 * shed connection was admitted (a read, a buffer, a timer), so this flood costs more memory than one
 * address's refused connections: 20-55 MiB here (docs/operations.md), printed, not bounded.
 */
const EIGHT_ADDRESSES: Attack[] = [{
  connections: 1000,
  from: [2, 3, 4, 5, 6, 7, 8, 9].map((i) => `127.0.0.${i}`),
  counter: "max_connections/oldest_waiting",
  rssBounded: false,
}];

/** Runs `attack` while SCRAPES scrapes are made; samples the agent's RSS. */
async function underAttack(url: string, agentPid: number, { connections, from }: Attack) {
  const port = Number(new URL(url).port);
  // At the lowest priority: its reconnect storm takes only CPU that other test files leave (many of
  // them measure CPU time), and the agent, at normal priority, is not helped by it.
  const attacker = new Deno.Command("nice", {
    args: [
      "-n",
      "19",
      Deno.execPath(),
      "run",
      "-A",
      ATTACKER,
      JSON.stringify({ port, connections, from, byteMs: 100 }),
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(attacker.stderr).text();
  const lines = attacker.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let peakRss = 0;
  const sampler = setInterval(() => peakRss = Math.max(peakRss, rssMiB(agentPid)), 100);
  const scrapes: Scrape[] = [];
  const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 }); // a new connection per scrape
  let counts: AttackerCounts;
  try {
    const first = await lines.read();
    if (first.value?.trim() !== '{"ready":true}') assert.fail(`the attacker did not start: ${await stderr}`);
    for (let i = 0; i < SCRAPES; i++) {
      const started = performance.now();
      scrapes.push(await scrape(url, client));
      await delay(Math.max(0, SCRAPE_EVERY_MS - (performance.now() - started)));
    }
  } finally {
    clearInterval(sampler);
    client.close();
    attacker.stdin.close();
    let rest = "";
    for (let chunk = await lines.read(); !chunk.done; chunk = await lines.read()) rest += chunk.value;
    counts = JSON.parse(rest || "null");
    const status = await attacker.status;
    if (status.code !== 0) assert.fail(`the attacker failed: ${await stderr}`);
  }
  return { scrapes, peakRss, counts };
}

/** A real agent attacked by `attacks` in turn, its settled RSS measured before each. */
async function attackAgent(attacks: Attack[]): Promise<void> {
  const dir = await Deno.makeTempDir();
  const port = freePort();
  const url = `http://127.0.0.1:${port}/metrics`;
  const config = `${dir}/wca.yaml`;
  await Deno.writeTextFile(
    config,
    [
      "runner: !MeasurementRunner",
      "  interval: 1",
      "  node: !StaticNode",
      "    tasks: []",
      "  metrics_storage: !HTTPMetricsStorage",
      `    listen: 127.0.0.1:${port}`,
      "",
    ].join("\n"),
    { mode: 0o600 },
  );
  const agent = new Agent(["-c", config]);
  const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  try {
    await agent.until(`${url} to serve`, async () => (await scrape(url, client)).ok);
    for (let i = 0; i < 5; i++) assert.ok((await scrape(url, client)).ok, "scrapes work before the attack");
    /** The agent's settled RSS: the median of five readings after a quiet second. */
    const settledRss = async () => {
      await delay(1000);
      const samples: number[] = [];
      for (let i = 0; i < 5; i++, await delay(200)) samples.push(rssMiB(agent.pid));
      return samples.sort((a, b) => a - b)[2]!;
    };

    const failures: string[] = [];
    let before: Record<string, number> = {};
    for (const attack of attacks) {
      let idleRss = await settledRss();
      let { scrapes, peakRss, counts } = await underAttack(url, agent.pid, attack);
      if (attack.rssBounded && peakRss > idleRss + RSS_SLACK_MIB) {
        // How far V8 lets its heap grow before it collects depends on the CPU it gets; with other test
        // files running beside this one that once gave +25 MiB where the same attack alone gives +8 to +15.
        // A second attack on the settled agent tells a growing agent from a starved collector.
        console.log(`RSS peaked at ${peakRss.toFixed(1)} MiB, idle ${idleRss.toFixed(1)}: attacking again`);
        idleRss = await settledRss();
        ({ scrapes, peakRss, counts } = await underAttack(url, agent.pid, attack));
      }
      const served = scrapes.filter((s) => s.ok);
      const ms = scrapes.map((s) => s.ms).sort((a, b) => a - b);
      const after = served.at(-1)?.dropped ?? {};
      const what = `${attack.connections} slow reconnecting connections from ${attack.from.length} address` +
        (attack.from.length > 1 ? `es (${attack.from[0]}…)` : ` (${attack.from[0]})`);
      console.log(
        `${what}: ${served.length}/${SCRAPES} scrapes served (${
          (100 * served.length / SCRAPES).toFixed(1)
        } %), ` +
          `scrape time median ${ms[ms.length >> 1]!.toFixed(0)} ms, max ${ms.at(-1)!.toFixed(0)} ms; ` +
          `agent RSS idle ${idleRss.toFixed(1)} MiB, peak ${peakRss.toFixed(1)} MiB ` +
          `(+${(peakRss - idleRss).toFixed(1)}); attacker connected ${counts.connects} times, ` +
          `${counts.closedByServer} closed by the agent, errors ${JSON.stringify(counts.errors)}; ` +
          `wca_http_connections_dropped_total ${JSON.stringify(after)}`,
      );
      const failed = scrapes.filter((s) => !s.ok).map((s) => s.failure);
      if (served.length < MIN_SUCCESS * SCRAPES) {
        failures.push(`${what}: only ${served.length}/${SCRAPES} scrapes served: ${failed.join("; ")}`);
      }
      if (attack.rssBounded && peakRss > idleRss + RSS_SLACK_MIB) {
        failures.push(`${what}: RSS peaked at ${peakRss.toFixed(1)} MiB, idle ${idleRss.toFixed(1)}`);
      }
      // The attack really pressed on the limit: the agent closed connections and counted them.
      if (
        counts.closedByServer < attack.connections ||
        !((after[attack.counter] ?? 0) > (before[attack.counter] ?? 0))
      ) {
        failures.push(`${what}: ${attack.counter} was never reached: ${JSON.stringify(counts)}`);
      }
      before = after;
    }
    assert.deepEqual(failures, []);
    const status = await agent.stop("SIGTERM");
    assert.equal(status.code, 0, agent.stderr);
    const warnings = agent.stderr.split("\n").filter((line) =>
      line.includes("[wca.storage.http] refusing connections from") ||
      line.includes("[wca.storage.http] 64 connections are open")
    );
    // Once per streak: a streak ends only after a quiet minute, so at most once per attack.
    assert.match(
      warnings[0] ?? "",
      /refusing connections from 127\.0\.0\.\d with 503: it holds 16 \(max_|64 connections are open \(max_connections\): closing the oldest/,
    );
    assert.ok(warnings.length <= attacks.length, warnings.join("\n"));
  } finally {
    client.close();
    await agent.dispose();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("HTTPMetricsStorage: scrapes are served while one address trickles 64 and 1,000 reconnecting connections", () =>
  // The attack loads both CPUs, and the agent's RSS under it depends on when V8 gets to collect: held
  // apart from the other tests that load the CPUs (or judge CPU rates), as they are from each other.
  // Each attack on an agent of its own, so that each is judged against a true idle figure.
  withCpuLoadLock(async () => {
    for (const attack of ONE_ADDRESS) await attackAgent([attack]);
  }));

Deno.test("HTTPMetricsStorage: scrapes are served while eight addresses trickle 1,000 reconnecting connections", () =>
  withCpuLoadLock(() => attackAgent(EIGHT_ADDRESSES)));
