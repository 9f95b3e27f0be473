/**
 * The wrapper as a user runs it: real stress-ng and real shells under the wrapper, its HTTP endpoint
 * scraped during the run, the output file, exit codes, forwarded signals and start errors.
 */
import assert from "node:assert/strict";
import { WRAPPER_PERMISSIONS } from "../../.ci/package.ts";
import { delay, waitFor, withCpuLoadLock } from "../helpers/stress.ts";
import { assertPromtoolParses, kcatReadAll } from "../helpers/kcat.ts";
import { startKafkaMock } from "../helpers/kafka_mock.ts";
import { ROOT } from "../helpers/wca_process.ts";
import { promtoolCheckMetrics } from "../metrics/peer_tools.ts";

const STRESS_NG = "workloads/stress-ng/parser.ts";
const GENERIC = "src/wrapper/main.ts";

/** A running wrapper whose output is collected as it comes. */
class Wrapper {
  readonly child: Deno.ChildProcess;
  stdout = "";
  stderr = "";
  readonly #done: Promise<void>;

  constructor(source: string, args: string[]) {
    this.child = new Deno.Command(Deno.execPath(), {
      args: ["run", ...WRAPPER_PERMISSIONS, source, ...args],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const collect = async (stream: ReadableStream<Uint8Array>, into: "stdout" | "stderr") => {
      for await (const text of stream.pipeThrough(new TextDecoderStream())) this[into] += text;
    };
    this.#done = Promise.all([collect(this.child.stdout, "stdout"), collect(this.child.stderr, "stderr")])
      .then(() => {});
  }

  async finish(): Promise<number> {
    const status = await this.child.status;
    await this.#done;
    return status.code;
  }

  /** The URL the wrapper logs at INFO (`serving metrics at …`), for --prometheus_port 0. */
  url(): Promise<string> {
    return waitFor("the wrapper's URL", 30_000, () => /serving metrics at (http:\S+)/.exec(this.stderr)?.[1]);
  }
}

async function run(
  source: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const wrapper = new Wrapper(source, args);
  const code = await wrapper.finish();
  return { code, stdout: wrapper.stdout, stderr: wrapper.stderr };
}

/** `promtool check metrics` with no finding at all (exit 0), else its output. */
async function assertPromtoolClean(text: string): Promise<void> {
  const check = await promtoolCheckMetrics(text);
  assert.equal(check.code, 0, `promtool exit ${check.code}: ${check.stdout}${check.stderr}`);
}

Deno.test("stress-ng under the wrapper: bogo ops with labels on HTTP during the run, SIGTERM forwarded, exit 143", async () => {
  await withCpuLoadLock(async () => {
    const wrapper = new Wrapper(STRESS_NG, [
      "--command",
      "stress-ng --cpu 1 --cpu-load 30 --metrics-brief --timeout 1 && exec sleep 60",
      "--subprocess_shell",
      "--labels",
      "{'workload':'stress-ng','cores':'1'}",
      "--metric_name_prefix",
      "stress_ng_",
      "--prometheus_port",
      "0",
      "--log_level",
      "INFO",
    ]);
    try {
      const url = await wrapper.url();
      const body = await waitFor("bogo ops on the wrapper's endpoint", 30_000, async () => {
        const response = await fetch(url);
        const text = await response.text();
        return response.status === 200 && text.includes("stress_ng_bogo_ops{") ? text : undefined;
      });
      // What stress-ng printed reached the wrapper's stderr unchanged, and the endpoint serves that figure.
      const printed = /^stress-ng: metrc: \[\d+\] cpu +(\d+) /m.exec(wrapper.stderr);
      assert.ok(printed, wrapper.stderr);
      assert.match(
        body,
        new RegExp(
          `^stress_ng_bogo_ops\\{cores="1",stressor="cpu",workload="stress-ng"\\} ${printed[1]}$`,
          "m",
        ),
      );
      assert.match(body, /^# TYPE stress_ng_bogo_ops gauge$/m);
      await assertPromtoolClean(body);
      assert.equal((await fetch(url.replace(/\/$/, "/healthz"))).status, 200);
      wrapper.child.kill("SIGTERM");
      assert.equal(await wrapper.finish(), 143, wrapper.stderr); // sleep ended by the forwarded SIGTERM
      assert.match(wrapper.stderr, /forwarding SIGTERM to the workload/);
      await assert.rejects(fetch(url), TypeError); // the endpoint is gone with the wrapper
    } finally {
      try {
        wrapper.child.kill("SIGKILL");
      } catch {
        // exited
      }
      await wrapper.finish();
    }
  });
});

Deno.test("SIGINT reaches stress-ng, which stops early and prints its metrics; they land in the output file", async () => {
  await withCpuLoadLock(async () => {
    const dir = await Deno.makeTempDir({ prefix: "wca-wrapper-" });
    try {
      const file = `${dir}/apms.prom`;
      const wrapper = new Wrapper(STRESS_NG, [
        "--command",
        "stress-ng --cpu 1 --cpu-load 30 --metrics-brief --timeout 60",
        "--labels",
        '{"workload": "stress-ng"}',
        "--prometheus_port",
        "-1",
        "--storage_output_filename",
        file,
      ]);
      await waitFor(
        "stress-ng to start its workers",
        30_000,
        () => wrapper.stderr.includes("dispatching hogs") || undefined,
      );
      // A SIGINT before the worker ran makes stress-ng end "unsuccessful" without metrics (exit 2).
      await delay(1000);
      const started = performance.now();
      wrapper.child.kill("SIGINT");
      assert.equal(await wrapper.finish(), 0, wrapper.stderr);
      assert.ok(performance.now() - started < 30_000);
      const text = await Deno.readTextFile(file);
      assert.match(text, /^bogo_ops\{stressor="cpu",workload="stress-ng"\} \d+ \d{13}$/m);
      await assertPromtoolClean(text.replace(/ \d{13}$/gm, ""));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("the workload's stdout passes through byte for byte while it is parsed; SLI and SLO are added", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wca-wrapper-" });
  try {
    const file = `${dir}/m.prom`;
    const printed = "latency=12.5 qps=800\r\nnoise \u00e9\u0007\nlatency=20\nlast line without end qps=900";
    const result = await run(GENERIC, [
      "--command",
      `printf '%s' '${printed}'`,
      "--prometheus_port",
      "-1",
      "--storage_output_filename",
      file,
      "--slo",
      "15",
      "--sli_metric_name",
      "latency",
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, printed);
    const text = await Deno.readTextFile(file);
    // One read held the first three lines: the latest value of each series in it counts.
    for (const expected of [/^latency 20 /m, /^qps 800 /m, /^qps 900 /m, /^sli 20 /m, /^slo 15 /m]) {
      assert.match(text, expected);
    }
    assert.match(text, /^sli_normalized 1\.3333333333333333 /m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const EXITS: ReadonlyArray<{ name: string; args: string[]; code: number; stderr?: RegExp }> = [
  { name: "the workload's exit code", args: ["--command", "sh -c 'exit 3'"], code: 3 },
  {
    name: "128 + 9 when SIGKILL ends the workload",
    args: ["--command", "kill -KILL $$", "--subprocess_shell"],
    code: 137,
  },
  {
    name: "127 and a message when the workload does not exist",
    args: ["--command", "/nonexistent/workload --flag"],
    code: 127,
    stderr: /^wrapper: cannot start workload: \/nonexistent\/workload: command not found\n$/,
  },
  {
    name: "126 when the workload is not executable",
    args: ["--command", "./deno.json"],
    code: 126,
    stderr: /^wrapper: cannot start workload: \.\/deno\.json: permission denied\n$/,
  },
  {
    name: "2 when the command cannot be split",
    args: ["--command", "echo 'unclosed"],
    code: 2,
    stderr: /^wrapper: cannot split --command "echo 'unclosed": No closing quotation: ' at character 6\n$/,
  },
  {
    name: "2 and the flags for a Kafka topic KafkaStorage refuses",
    args: [
      "--command",
      "true",
      "--prometheus_port",
      "-1",
      "--kafka_brokers",
      "kafka-1:9092",
      "--kafka_topic",
      "a b",
    ],
    code: 2,
    stderr:
      /^wrapper: --kafka_brokers kafka-1:9092, --kafka_topic a b: topic: expected a Kafka topic name: 1-249 letters, digits, '\.', '_' or '-'\n$/,
  },
  {
    name: "2 for a usage error, with a hint",
    args: ["--command", "true", "--stderr", "3"],
    code: 2,
    stderr:
      /^wrapper: --stderr: invalid value "3": expected 0 \(stdout\) or 1 \(stderr\)\nTry 'wrapper --help' for the options\.\n$/,
  },
  {
    name: "1 when the output file's directory does not exist",
    args: [
      "--command",
      "true",
      "--prometheus_port",
      "-1",
      "--storage_output_filename",
      "/nonexistent/dir/m.prom",
    ],
    code: 1,
    stderr: /^wrapper: --storage_output_filename: directory \/nonexistent\/dir does not exist/,
  },
];

for (const { name, args, code, stderr } of EXITS) {
  Deno.test(`wrapper exit: ${name}`, async () => {
    const result = await run(GENERIC, [
      ...args,
      ...(args.includes("--prometheus_port") ? [] : ["--prometheus_port", "0"]),
    ]);
    assert.equal(result.code, code, result.stderr);
    if (stderr) assert.match(result.stderr, stderr);
    assert.doesNotMatch(result.stderr, /\n\s+at /); // no stack trace
  });
}

Deno.test("wrapper exit: 1 and the reason when the port is taken", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (listener.addr as Deno.NetAddr).port;
    const result = await run(GENERIC, ["--command", "true", "--prometheus_port", String(port)]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      new RegExp(
        `^wrapper: --prometheus_port ${port}: cannot listen on 127\\.0\\.0\\.1:${port}: the address is already in use`,
      ),
    );
  } finally {
    listener.close();
  }
});

Deno.test("--help names the seeds' options and the workload; --version", async () => {
  const help = await run(STRESS_NG, ["--help"]);
  assert.equal(help.code, 0);
  for (
    const option of [
      "--command",
      "--stderr",
      "--labels",
      "--metric_name_prefix",
      "--slo",
      "--sli_metric_name",
      "--inverse_sli_metric_value",
      "--peak_load",
      "--load_metric_name",
      "--kafka_brokers",
      "--kafka_topic",
      "--storage_output_filename",
      "--subprocess_shell",
      "--prometheus_port",
      "--prometheus_ip",
      "--log_level",
    ]
  ) {
    assert.ok(help.stdout.includes(option), option);
  }
  assert.match(help.stdout, /^usage: wrapper-stress-ng --command COMMAND/);
  const version = await run(STRESS_NG, ["--version"]);
  assert.match(version.stdout, /^wrapper-stress-ng \d+\.\d+\.\d+ \(wca workload wrapper, deno /);
});

Deno.test("--kafka_brokers: each batch reaches a real Kafka-protocol broker as Prometheus text with the labels", async () => {
  await using kafka = await startKafkaMock();
  await kafka.createTopic("wca_apms");
  const result = await run(GENERIC, [
    "--command",
    "printf 'qps=800 latency=12.5\\n'",
    "--prometheus_port",
    "-1",
    "--labels",
    "{'workload':'demo'}",
    "--kafka_brokers",
    kafka.bootstrap,
  ]);
  assert.equal(result.code, 0, result.stderr);
  const messages = await kcatReadAll(kafka.bootstrap, "wca_apms");
  assert.equal(messages.length, 1, JSON.stringify(messages));
  const text = messages[0]!.payload;
  assert.match(text, /^qps\{workload="demo"\} 800 \d+$/m);
  assert.match(text, /^latency\{workload="demo"\} 12\.5 \d+$/m);
  await assertPromtoolParses(text);
});
