/**
 * Every example config under configs/ loads: tags exist, parameters validate. The seeds' examples that
 * need a component this version does not have yet are kept as the seeds wrote
 * them and must fail with exactly the unknown-tag error, so they start loading as soon as it exists.
 * The runnable ones run for two iterations.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { Registry } from "../src/components/mod.ts";
import { BUILTIN_COMPONENTS } from "../src/builtins.ts";
import { registerFrom } from "../src/components/registration.ts";
import { buildRunner, ConfigError, parseConfigText } from "../src/config/mod.ts";
import { spawnUntil } from "./helpers/spawned.ts";
import { namesClusterFiles, withClusterFiles } from "./helpers/cluster_files.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

function* yamlFiles(dir: string): Generator<string> {
  for (const entry of Deno.readDirSync(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* yamlFiles(path);
    else if (/\.ya?ml$/.test(entry.name)) yield path;
  }
}

/** Components the examples define, as users would register them with -r. */
async function exampleRegistry(): Promise<Registry> {
  const registry = new Registry(BUILTIN_COMPONENTS);
  await registerFrom(registry, `${ROOT}examples/hello_world_runner.ts:HelloWorldRunner`);
  await registerFrom(registry, `${ROOT}examples/http_storage.ts`);
  await registerFrom(registry, `${ROOT}examples/example_detector.ts`);
  await registerFrom(registry, `${ROOT}examples/example_allocator.ts`);
  return registry;
}

/** Components of later issues that some seed examples name: their tag must be the only problem. */
const NOT_YET = new Set<string>();
/** Data files beside configs, not configs themselves. */
const NOT_CONFIGS = new Set(["configs/extra/static_allocator_config.yaml"]);

const files = [...yamlFiles(`${ROOT}configs`)].sort().filter((f) => !NOT_CONFIGS.has(f.slice(ROOT.length)));

Deno.test("configs/ has example configs", () => {
  assert.ok(files.length > 0);
});

for (const file of files) {
  const name = file.slice(ROOT.length);
  const text = Deno.readTextFileSync(file);
  const missing = [...text.matchAll(/!([A-Za-z]+)/g)].map((m) => m[1]!).filter((tag) => NOT_YET.has(tag));
  Deno.test(`config ${name} ${missing.length ? `names ${missing[0]}, not in this version yet` : "loads"}`, async () => {
    const build = async (source = text) =>
      buildRunner(parseConfigText(file, source), {
        components: await exampleRegistry(),
        // Ports (KUBERNETES_SERVICE_PORT) must be numbers even in the examples.
        env: (variable) =>
          Deno.env.get(variable) ??
            (variable.endsWith("_PORT") ? "6443" : `example-${variable.toLowerCase()}`),
      });
    if (missing.length === 0 && namesClusterFiles(text)) {
      // Files of a cluster node (service-account token, kubelet CA): made for the test, then loaded for real.
      await withClusterFiles(text, async (local) => {
        const runner = await build(local);
        assert.equal(typeof runner.run, "function");
      });
      return;
    }
    if (missing.length === 0) {
      const runner = await build();
      assert.equal(typeof runner.run, "function");
      return;
    }
    await assert.rejects(build, (error: unknown) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.match(error.message, new RegExp(`Unknown tag !${missing[0]}[.;]`));
      return true;
    });
  });
}

/** The command a config's header shows (`#   [VAR=value ]npx -y deno@2.9.6 task wca -- ARGS`), else the plain one. */
function headerCommand(name: string, text: string): { args: string[]; env: Record<string, string> } {
  const line = /^#\s+((?:[A-Z_]+=\S+\s+)*)npx -y deno@2\.9\.6 task wca -- (.+)$/m.exec(text);
  if (!line) return { args: ["-c", name, "--root"], env: {} };
  const env = Object.fromEntries(
    line[1]!.trim().split(/\s+/).filter(Boolean).map((pair) => pair.split("=", 2)),
  );
  return { args: line[2]!.trim().split(/\s+/), env };
}

const exists = (path: string) => {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
};
const hasUncoreImc = () =>
  [...Deno.readDirSync("/sys/devices")].some((e) => e.name.startsWith("uncore_imc_"));
/** Configs that need hardware or kernel features a host may lack: the clear refusal expected then. */
const REFUSED_HERE: Readonly<Record<string, () => RegExp | undefined>> = {
  "configs/extra/uncore_measurements.yaml": () =>
    hasUncoreImc() ? undefined : /need uncore_imc PMUs, but \/sys\/devices has no uncore_imc_\* directory/,
  "configs/mesos/mesos_kafka_example.yaml": () =>
    exists("/sys/fs/resctrl/info/L3_MON") ? undefined : /rdt_enabled is true but resctrl is not mounted/,
};
/** Configs that run two iterations on any host (the others start, then wait for a service). */
const RUNNABLE = new Set([
  "configs/detection/example_detector.yaml",
  "configs/extra/static_allocator.yaml",
  "configs/allocation/numa_allocator.yaml",
  "configs/allocation/example_allocator.yaml",
  "configs/extra/static_measurements.yaml",
]);
/** What each runnable example writes, relative to the directory it is run from (never a fixed /tmp file). */
const WRITES: Readonly<Record<string, readonly string[]>> = {
  "configs/detection/example_detector.yaml": ["wca_metrics.prom"],
  "configs/extra/static_allocator.yaml": ["wca_metrics.prom", "wca_allocations.prom", "wca_anomalies.prom"],
  "configs/allocation/numa_allocator.yaml": [
    "wca_metrics.prom",
    "wca_allocations.prom",
    "wca_anomalies.prom",
  ],
  "configs/allocation/example_allocator.yaml": [
    "wca_metrics.prom",
    "wca_allocations.prom",
    "wca_anomalies.prom",
  ],
};

Deno.test("no example config writes to a fixed file in /tmp, shared by every user of the host", () => {
  for (const file of files) assert.doesNotMatch(Deno.readTextFileSync(file), /:\s*\/tmp\//, file);
});

/**
 * Every config as a user starts it: its header's command, run by the real agent in a directory of its own
 * (a copy of configs/, examples/ beside it). It must get past loading and start its runner; a component
 * whose service is absent (Kafka, the Kubernetes or Mesos API) says so later with its own warning. Cluster
 * files (tokens, certificates) are made for the test. Runnable examples go on for two iterations.
 */
for (const file of files) {
  const name = file.slice(ROOT.length);
  const text = Deno.readTextFileSync(file);
  const { args, env } = headerCommand(name, text);
  Deno.test(`config ${name}: \`wca ${args.join(" ")}\` starts from any directory`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "wca_config_cli_" });
    try {
      await copyTree(`${ROOT}configs`, `${dir}/configs`);
      // The rest of the checkout beside the copy (examples/ import ../src/mod.ts and ../deno.json).
      for (const entry of Deno.readDirSync(ROOT)) {
        if (entry.name !== "configs") await Deno.symlink(`${ROOT}${entry.name}`, `${dir}/${entry.name}`);
      }
      const start = async (configText: string) => {
        // A port of its own: another agent or test may hold the example's.
        await Deno.writeTextFile(
          `${dir}/${name}`,
          configText.replace(/^(\s+listen: \S+):\d+$/m, `$1:${freePort()}`),
        );
        return await startAgent(dir, args, env, name);
      };
      const run = namesClusterFiles(text) ? await withClusterFiles(text, start) : await start(text);
      const output = run.stdout + run.stderr;
      assert.doesNotMatch(output, /^\s+at .+:\d+:\d+\)?$/m, `no stack trace:\n${output}`);
      const refusal = REFUSED_HERE[name]?.();
      if (refusal) {
        assert.equal(run.code, 1, output);
        assert.match(output, refusal);
        return;
      }
      assert.doesNotMatch(run.stderr, /^wca: /m, `loads:\n${output}`);
      assert.equal(run.code, 0, output);
      assert.match(output, /\] (measuring|detect|allocate) every [\d.]+s: |^Hello world!$/m, output);
      if (RUNNABLE.has(name)) {
        assert.ok((run.stderr.match(/\] iteration: /g) ?? []).length >= 2, `two iterations:\n${run.stderr}`);
        assert.doesNotMatch(run.stderr, /ERROR|CRITICAL/, run.stderr);
      }
      for (const written of WRITES[name] ?? []) {
        assert.ok(exists(`${dir}/${written}`), `${written} in ${dir}`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await copyTree(`${from}/${entry.name}`, `${to}/${entry.name}`);
    else {
      await Deno.copyFile(`${from}/${entry.name}`, `${to}/${entry.name}`);
      await Deno.chmod(`${to}/${entry.name}`, 0o644);
    }
  }
}

/** The agent started as the header says, stopped (SIGINT) once it has run enough to show it works. */
function startAgent(dir: string, args: string[], env: Record<string, string>, name: string) {
  const runnable = RUNNABLE.has(name);
  return spawnUntil(Deno.execPath(), [
    "run",
    "-A",
    `${ROOT}src/main.ts`,
    ...args,
    ...(runnable ? ["-l", "debug"] : []),
  ], {
    cwd: dir,
    env: {
      ...env,
      HOST_IP: env.HOST_IP ?? "10.0.0.1",
      NODE_NAME: "node-1",
      HOSTNAME: "node-1",
      ...KUBERNETES_ENV,
    },
    until: ({ stdout, stderr }) =>
      runnable
        ? (stderr.match(/\] iteration: /g) ?? []).length >= 2 &&
          (WRITES[name] ?? []).every((w) => exists(`${dir}/${w}`))
        : /\] (measuring|detect|allocate) every [\d.]+s: /.test(stderr) || stdout.includes("Hello world!"),
  });
}

/** What a pod's environment holds; the API server is nowhere, so the node warns that it cannot reach it. */
const KUBERNETES_ENV = { KUBERNETES_SERVICE_HOST: "127.0.0.1", KUBERNETES_SERVICE_PORT: "9" };
