/**
 * What the documentation quotes of wca's output, produced for real: each scenario runs the agent (or the
 * wrapper) in the situation a block describes and returns what it printed. A block names its scenario with
 * `<!-- output: NAME -->`; tests/docs/output_blocks_test.ts compares.
 */
import { ROOT, ROOT_FLAG } from "../helpers/wca_process.ts";
import { type Spawned, spawnUntil } from "../helpers/spawned.ts";
import { startKafkaMock } from "../helpers/kafka_mock.ts";

export interface ScenarioOutput {
  /** Everything printed, stdout and stderr. */
  readonly output: string;
  /** Texts of this run (temporary directories, ports) and what the documentation writes instead. */
  readonly replacements?: ReadonlyArray<readonly [string, string]>;
  /** Counts that depend on the host (metrics, values): any number matches any number. */
  readonly anyNumbers?: boolean;
}

const WCA = ["run", "-A", `${ROOT}src/main.ts`];

async function inTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "wca_doc_output_" });
  try {
    return await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const both = (run: Spawned) => `${run.stdout}\n${run.stderr}`;
const writeFile = (path: string, text: string, mode = 0o644) => {
  Deno.writeTextFileSync(path, text);
  Deno.chmodSync(path, mode);
};

/** `wca -c agent.yaml --root` in `dir` with `config`, stopped once `until` holds (or when it exits). */
function wcaWith(dir: string, config: string, args: string[] = [], until?: (stderr: string) => boolean) {
  writeFile(`${dir}/agent.yaml`, config);
  return spawnUntil(Deno.execPath(), [...WCA, "-c", "agent.yaml", ...ROOT_FLAG, ...args], {
    cwd: dir,
    env: { HOST_IP: "10.0.0.1" },
    ...(until ? { until: ({ stderr }: { stderr: string }) => until(stderr) } : {}),
  });
}

const iterations = (stderr: string) => (stderr.match(/\] iteration: /g) ?? []).length;

/** A copy of a fixture host (cgroup v1 with cpu and cpuacct apart) whose cpuacct hierarchy holds `cgroups`. */
function fixtureHost(dir: string, cgroups: Readonly<Record<string, boolean>>): string {
  const host = `${dir}/host`;
  copyTree(`${ROOT}tests/fixtures/hosts/v1_split`, host);
  const cpuacct = `${host}/sys/fs/cgroup/cpuacct`;
  for (const entry of Deno.readDirSync(cpuacct)) {
    if (entry.isDirectory) Deno.removeSync(`${cpuacct}/${entry.name}`, { recursive: true });
  }
  for (const [path, withProcesses] of Object.entries(cgroups)) {
    Deno.mkdirSync(`${cpuacct}${path}`, { recursive: true });
    Deno.writeTextFileSync(`${cpuacct}${path}/cgroup.procs`, withProcesses ? `${Deno.pid}\n` : "");
  }
  return host;
}

function copyTree(from: string, to: string): void {
  Deno.mkdirSync(to, { recursive: true });
  for (const entry of Deno.readDirSync(from)) {
    if (entry.isDirectory) copyTree(`${from}/${entry.name}`, `${to}/${entry.name}`);
    else if (entry.isFile) Deno.copyFileSync(`${from}/${entry.name}`, `${to}/${entry.name}`);
  }
}

/** The default run's first CgroupNode line on a host holding `cgroups`, with `config` (default: none). */
async function cgroupNodeLine(cgroups: Readonly<Record<string, boolean>>, config?: string): Promise<string> {
  return await inTempDir(async (dir) => {
    const host = fixtureHost(dir, cgroups);
    const args = ["--host-root", host, "-l", "debug"];
    const done = (stderr: string) => iterations(stderr) >= 1;
    const run = config
      ? await wcaWith(dir, config, args, done)
      : await spawnUntil(Deno.execPath(), [...WCA, ...ROOT_FLAG, ...args], {
        cwd: dir,
        until: ({ stderr }) => done(stderr),
      });
    return both(run).replaceAll(host, "");
  });
}

export const SCENARIOS: Readonly<Record<string, () => Promise<ScenarioOutput>>> = {
  "version": async () => ({
    output: both(await spawnUntil(Deno.execPath(), [...WCA, "--version"], { cwd: ROOT })),
  }),

  "hello-world": async () => ({
    output: both(
      await spawnUntil(
        Deno.execPath(),
        [
          ...WCA,
          "-c",
          "configs/extending/hello_world.yaml",
          "-r",
          "examples/hello_world_runner.ts:HelloWorldRunner",
          "--root",
        ],
        { cwd: ROOT },
      ),
    ),
  }),

  "config-mistakes": () =>
    inTempDir(async (dir) => {
      const task = "runner: !MeasurementRunner\n  node: !StaticNode\n    tasks: [task1]\n";
      const configs = [
        `${task}  interval: -1\n`,
        task.replace("!MeasurementRunner", "!MesurementRunner"),
        `${task}  metric_storage: !LogStorage\n`,
        `${task}logers:\n  wca: debug\n`,
      ];
      let output = "";
      for (const config of configs) output += both(await wcaWith(dir, config));
      return { output };
    }),

  "wca-compat": () =>
    inTempDir(async (dir) => {
      const config = Deno.readTextFileSync(`${ROOT}configs/extra/wca_compat.yaml`);
      const run = await wcaWith(dir, config, [], (stderr) => /\] measuring every/.test(stderr));
      return { output: both(run) };
    }),

  "cgroup-node-found": async () => {
    const include = "runner: !MeasurementRunner\n  node: !CgroupNode\n    parents: [/system.slice]\n" +
      "    include: '.*\\.service$'\n";
    const system4 = {
      "/system.slice/a": false,
      "/system.slice/b": false,
      "/system.slice/c": false,
      "/system.slice/d": false,
    };
    const lines = [
      await cgroupNodeLine({
        "/system.slice/cron.service": true,
        "/system.slice/ssh.service": true,
        "/docker/4f1c": true,
      }),
      await cgroupNodeLine({ "/probe1": false }),
      await cgroupNodeLine({ "/docker": false }),
      await cgroupNodeLine(system4),
      await cgroupNodeLine(
        {
          "/system.slice/a.scope": true,
          "/system.slice/b.scope": true,
          "/system.slice/c": true,
          "/system.slice/d": true,
        },
        include,
      ),
    ];
    return { output: lines.join("\n") };
  },

  "cgroup-node-debug": async () => ({
    output: await cgroupNodeLine({ "/system.slice/cron.service": true, "/docker/4f1c8e0a7b": true }),
    anyNumbers: true,
  }),

  "metrics-sample": () =>
    inTempDir(async (dir) => {
      const host = fixtureHost(dir, {});
      copyTree(`${ROOT}tests/fixtures/hosts/v1_split/sys/fs/cgroup/cpuacct`, `${host}/sys/fs/cgroup/cpuacct`);
      const config = Deno.readTextFileSync(`${ROOT}configs/extra/static_measurements.yaml`);
      const run = await wcaWith(dir, config, ["--host-root", host], (stderr) =>
        /^task_cpu_usage_seconds\{/m.test(stderr));
      return {
        output: both(run),
        anyNumbers: true,
        replacements: [[`host="${Deno.hostname()}"`, 'host="vm"']],
      };
    }),

  "log-storage-missing-directory": () =>
    inTempDir(async (dir) => {
      const config = "runner: !MeasurementRunner\n  node: !CgroupNode {}\n  metrics_storage: !LogStorage\n" +
        `    output_filename: ${dir}/node-exporter/wca.prom\n    overwrite: true\n`;
      return {
        output: both(await wcaWith(dir, config)),
        replacements: [[`${dir}/node-exporter`, "/var/lib/prometheus/node-exporter"], [
          "agent.yaml",
          "/etc/wca/wca.yaml",
        ]],
      };
    }),

  "log-storage-write-failure": () =>
    inTempDir(async (dir) => {
      // The directory goes away under a running agent and comes back: one error, then one line when it works.
      Deno.mkdirSync(`${dir}/node-exporter`);
      const config =
        "runner: !MeasurementRunner\n  node: !CgroupNode {}\n  interval: 0.2\n  metrics_storage: !LogStorage\n" +
        `    output_filename: ${dir}/node-exporter/wca.prom\n    overwrite: true\n`;
      let removedAt = -1;
      let restoredAt = -1;
      const run = await wcaWith(dir, config, ["-l", "debug"], (stderr) => {
        const n = iterations(stderr);
        if (removedAt < 0 && n >= 1) {
          Deno.removeSync(`${dir}/node-exporter`, { recursive: true });
          removedAt = n;
        } else if (restoredAt < 0 && removedAt >= 0 && n >= removedAt + 3) {
          Deno.mkdirSync(`${dir}/node-exporter`);
          restoredAt = n;
        }
        return /writing metrics to .* again after/.test(stderr);
      });
      return {
        output: both(run),
        replacements: [[`${dir}/node-exporter`, "/var/lib/prometheus/node-exporter"]],
        anyNumbers: true,
      };
    }),

  "config-not-trusted": () =>
    inTempDir(async (dir) => {
      writeFile(`${dir}/agent.yaml`, "runner: !MeasurementRunner\n  node: !CgroupNode {}\n", 0o664);
      Deno.chownSync(`${dir}/agent.yaml`, 0, 1000);
      const run = await spawnUntil(Deno.execPath(), [...WCA, "-c", `${dir}/agent.yaml`, ...ROOT_FLAG], {
        cwd: dir,
      });
      return { output: both(run), replacements: [[dir, "/etc/wca"]] };
    }),

  "module-not-trusted": () =>
    inTempDir(async (dir) => {
      writeFile(`${dir}/x.ts`, "export class X {}\n", 0o666);
      const run = await spawnUntil(
        Deno.execPath(),
        [...WCA, "-c", `${ROOT}configs/extending/hello_world.yaml`, "-r", `${dir}/x.ts:X`, ...ROOT_FLAG],
        { cwd: dir },
      );
      return { output: both(run), replacements: [[dir, "/opt"]] };
    }),

  "config-too-large": () =>
    inTempDir(async (dir) => {
      const head = "runner: !MeasurementRunner\n  node: !CgroupNode {}\n#";
      writeFile(`${dir}/wca.yaml`, head + "x".repeat(4 * 1024 * 1024 + 1 - head.length)); // one byte too many
      const run = await spawnUntil(Deno.execPath(), [...WCA, "-c", `${dir}/wca.yaml`, ...ROOT_FLAG], {
        cwd: dir,
      });
      return { output: both(run), replacements: [[dir, "/etc/wca"]] };
    }),

  "zoneinfo-groups": () =>
    inTempDir(async (dir) => ({
      output: both(
        await wcaWith(dir, "runner: !MeasurementRunner\n  node: !CgroupNode {}\n  zoneinfo: '(\\d+)'\n"),
      ),
    })),

  "ssl-missing-file": () =>
    inTempDir(async (dir) => {
      const config =
        "runner: !MeasurementRunner\n  node: !CgroupNode {}\n  metrics_storage: !KafkaStorage\n" +
        "    topic: wca_metrics\n    ssl: !SSL\n      server_verify: true\n" +
        `      client_cert_path: ${dir}/client.pem\n`;
      return { output: both(await wcaWith(dir, config)), replacements: [[dir, "/etc/wca"]] };
    }),

  "kafka-extra-config-typo": () =>
    inTempDir(async (dir) => {
      const config =
        "runner: !MeasurementRunner\n  node: !CgroupNode {}\n  metrics_storage: !KafkaStorage\n" +
        "    topic: wca_metrics\n    extra_config:\n      debgu: all\n";
      return { output: both(await wcaWith(dir, config)) };
    }),

  "kafka-outage": () =>
    inTempDir(async (dir) => {
      // A real Kafka-protocol broker (librdkafka's mock cluster), down when the agent starts, back later.
      await using kafka = await startKafkaMock();
      await kafka.createTopic("wca_metrics");
      await kafka.down();
      const config = "runner: !MeasurementRunner\n  node: !CgroupNode {}\n  interval: 0.2\n" +
        `  metrics_storage: !KafkaStorage\n    topic: wca_metrics\n    brokers_ips: ["${kafka.bootstrap}"]\n` +
        "    buffer_max_bytes: 200000\n";
      let upAgain = false;
      const run = await wcaWith(dir, config, [], (stderr) => {
        if (!upAgain && /Kafka buffer for topic wca_metrics is full/.test(stderr)) {
          upAgain = true;
          kafka.up();
        }
        return /reachable again/.test(stderr);
      });
      return { output: both(run), replacements: [[kafka.bootstrap, "kafka-1:9092"]], anyNumbers: true };
    }),

  "stress-ng-wrapper": () =>
    inTempDir(async (dir) => {
      // The documented command, its endpoint scraped as curl would once the first run has been parsed.
      const port = freePort();
      let scraped = "";
      const poll = setInterval(async () => {
        const body = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text()).catch(() => "");
        if (body.includes("stress_ng_bogo_ops{")) scraped = body;
      }, 300);
      try {
        await spawnUntil(Deno.execPath(), [
          "run",
          "--allow-run",
          "--allow-net",
          "--allow-read",
          "--allow-write",
          "--allow-env",
          `${ROOT}workloads/stress-ng/parser.ts`,
          "--command",
          "while true; do stress-ng -c 1 --metrics-brief --timeout 1; done",
          "--subprocess_shell",
          "--stderr",
          "1",
          "--labels",
          "{'workload':'stress-ng','cores':'1'}",
          "--metric_name_prefix",
          "stress_ng_",
          "--prometheus_port",
          String(port),
        ], { cwd: dir, until: () => scraped !== "" });
      } finally {
        clearInterval(poll);
      }
      return { output: scraped, anyNumbers: true };
    }),
};

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}
