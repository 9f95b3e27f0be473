/**
 * How large orchestrator answers are, and what one at the size cap costs the agent in memory.
 *
 *   deno run -A bench/answer_memory_bench.ts [--steady-pods 110] [--bytes N] [--seconds 20]
 *
 * Prints the size of a kubelet `GET /pods` answer at 110 and 250 pods and of an API-server pod list at
 * 5,000 pods (tests/helpers/realistic_pods.ts: about 7 KB a pod). Then runs the agent as packaged
 * (`deno run` of src/main.ts with its flags: MeasurementRunner every 1 s, KubernetesNode over a loopback
 * kubelet) and samples its RSS (/proc/PID/status) every 100 ms: steady with a 110-pod answer, then one
 * answer of --bytes (default: the cap, MAX_RESPONSE_BYTES) of pods in a namespace it does not measure,
 * then the 110-pod answer again. Figures, not verdicts.
 */
import { parseArgs } from "node:util";
import { MAX_RESPONSE_BYTES } from "../src/nodes/orchestrator.ts";
import { startJsonServer } from "../tests/helpers/json_server.ts";
import { realisticPodList } from "../tests/helpers/realistic_pods.ts";
import { agentFlags } from "./agent_process.ts";
import { median, statusBytes } from "./stats.ts";

const MiB = 1024 * 1024;
const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    "steady-pods": { type: "string", default: "110" },
    bytes: { type: "string", default: String(MAX_RESPONSE_BYTES) },
    seconds: { type: "string", default: "20" },
  },
});
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const POD_BYTES = realisticPodList(1).length;
console.log(`one realistic pod: ${POD_BYTES} bytes of JSON`);
for (
  const [what, count] of [["kubelet /pods", 110], ["kubelet /pods", 250], [
    "API server pod list",
    5000,
  ]] as const
) {
  console.log(`${what} with ${count} pods: ${mb(realisticPodList(count).length)}`);
}

const steady = realisticPodList(Number(args["steady-pods"]));
const bigCount = Math.floor(Number(args.bytes) / (POD_BYTES + 1)) - 1;
const big = realisticPodList(bigCount, "elsewhere");
console.log(`the large answer: ${bigCount} pods, ${mb(big.length)} (cap ${mb(MAX_RESPONSE_BYTES)})`);

const kubelet = await startJsonServer({ kind: "text", text: steady });
const dir = await Deno.makeTempDir({ prefix: "wca-answer-bench-" });
const config = `${dir}/wca.yaml`;
Deno.writeTextFileSync(
  config,
  [
    "runner: !MeasurementRunner",
    "  interval: 1",
    "  node: !KubernetesNode",
    "    kubelet_enabled: true",
    `    kubelet_endpoint: ${kubelet.url}`,
    "    timeout: 20",
    "  metrics_storage: !LogStorage",
    `    output_filename: ${dir}/metrics.prom`,
    "    overwrite: true",
    "",
  ].join("\n"),
  { mode: 0o600 },
);
const root = new URL("../", import.meta.url).pathname;
const child = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    ...agentFlags({ extraFlags: Deno.env.get("BENCH_FLAGS")?.split(" ") ?? [], traceGc: false }),
    "src/main.ts",
    "--root",
    "-c",
    config,
  ],
  cwd: root,
  stdout: "null",
  stderr: Deno.env.get("BENCH_STDERR") ? "inherit" : "null",
}).spawn();
const samples: Array<{ at: number; rss: number }> = [];
const t0 = performance.now();
const sampler = setInterval(() => {
  try {
    const rss = statusBytes(Deno.readTextFileSync(`/proc/${child.pid}/status`), "VmRSS");
    if (rss !== undefined) samples.push({ at: (performance.now() - t0) / 1000, rss });
  } catch { /* exited */ }
}, 100);
const seconds = Number(args.seconds);
try {
  await delay(seconds * 1000);
  const before = samples.filter((s) => s.at > seconds / 2).map((s) => s.rss);
  const steadyRss = median(before);
  const asked = kubelet.requests.length;
  const bigAt = (performance.now() - t0) / 1000;
  kubelet.behaviour = { kind: "text", text: big };
  while (kubelet.requests.length === asked) await delay(5);
  kubelet.behaviour = { kind: "text", text: steady };
  await delay(seconds * 1000);
  const after = samples.filter((s) => s.at >= bigAt);
  const peak = Math.max(...after.map((s) => s.rss));
  console.log(`steady RSS (110-pod answers): ${mib(steadyRss)}`);
  console.log(`peak RSS with the ${mb(big.length)} answer: ${mib(peak)}`);
  const perSecond: Array<{ second: number; rss: number }> = [];
  for (let s = 1; s <= seconds; s++) {
    const window = after.filter((x) => x.at >= bigAt + s - 1 && x.at < bigAt + s).map((x) => x.rss);
    if (window.length) perSecond.push({ second: s, rss: window[window.length - 1]! });
  }
  console.log(`RSS each second after it: ${perSecond.map((x) => mib(x.rss)).join(", ")}`);
  // From which second on RSS stays within 20 MiB of the steady figure (after the peak).
  const peakSecond = perSecond.find((x) => x.rss === Math.max(...perSecond.map((p) => p.rss)))?.second ?? 0;
  const back = perSecond.find((x, i) =>
    x.second >= peakSecond && perSecond.slice(i).every((y) => Math.abs(y.rss - steadyRss) <= 20 * MiB)
  );
  console.log(
    back === undefined
      ? "RSS did not stay within 20 MiB of steady"
      : `within 20 MiB of steady from ${back.second} s after the large answer was asked for, ` +
        `${back.second - peakSecond} s after its peak`,
  );
} finally {
  clearInterval(sampler);
  child.kill("SIGTERM");
  await child.status;
  await kubelet.close();
  await Deno.remove(dir, { recursive: true });
}
