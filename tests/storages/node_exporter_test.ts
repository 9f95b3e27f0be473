/**
 * A LogStorage file in overwrite mode read by the real node_exporter textfile collector (Debian package:
 * prometheus-node-exporter), scraped over HTTP.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { metric } from "../../src/metrics/metric.ts";
import { LogStorage } from "../../src/storages/log_storage.ts";
import { spawnTool } from "../metrics/peer_tools.ts";
import { realisticBatch } from "../metrics/sample_batch.ts";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

interface Exporter {
  scrape(): Promise<string>;
  stop(): Promise<string>;
}

async function startNodeExporter(textfileDir: string): Promise<Exporter> {
  const port = freePort();
  const child = spawnTool("prometheus-node-exporter", "prometheus-node-exporter", {
    args: [
      "--collector.disable-defaults",
      "--collector.textfile",
      `--collector.textfile.directory=${textfileDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  });
  const logs = new Response(child.stderr).text();
  let exited = false;
  const status = child.status.then((s) => (exited = true, s));
  const stop = async () => {
    if (!exited) child.kill("SIGTERM");
    await status;
    return await logs;
  };
  const scrape = async () => {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    const body = await response.text();
    assert.equal(response.status, 200, body);
    return body;
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await scrape();
      return { scrape, stop };
    } catch (error) {
      if (exited || Date.now() > deadline) {
        const output = await stop();
        throw new Error(`node_exporter did not come up on port ${port}: ${error}\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function sampleLines(body: string, name: string): string[] {
  return body.split("\n").filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

Deno.test("node_exporter textfile collector exports an overwrite-mode LogStorage file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wca-textfile-" });
  let exporter: Exporter | undefined;
  try {
    const storage = new LogStorage({ output_filename: join(dir, "wca.prom"), overwrite: true });
    const batch = realisticBatch({ tasks: 2, cpus: 4 });
    await storage.store([...batch, metric("wca_probe_value", 7, { note: 'say "hi"\\' })]);
    exporter = await startNodeExporter(dir);

    const body = await exporter.scrape();
    assert.deepEqual(sampleLines(body, "node_textfile_scrape_error"), ["node_textfile_scrape_error 0"]);
    assert.deepEqual(sampleLines(body, "task_up"), [
      'task_up{application="app0",application_version_name="",host="node-1",task_id="task0",task_name="task0"} 1',
      'task_up{application="app1",application_version_name="",host="node-1",task_id="task1",task_name="task1"} 1',
    ]);
    assert.match(body, /^# HELP task_up Always 1 for a task the agent measured in this iteration\.$/m);
    assert.match(body, /^# TYPE task_cycles counter$/m);
    assert.equal(sampleLines(body, "task_cycles").length, 2 * 4);
    assert.deepEqual(sampleLines(body, "wca_probe_value"), ['wca_probe_value{note="say \\"hi\\"\\\\"} 7']);

    // The collector reads the file at scrape time: the next batch replaces the previous one.
    await storage.store([metric("wca_probe_value", 8, { note: "second" })]);
    const second = await exporter.scrape();
    assert.deepEqual(sampleLines(second, "wca_probe_value"), ['wca_probe_value{note="second"} 8']);
    assert.deepEqual(sampleLines(second, "task_up"), []);
    assert.deepEqual(sampleLines(second, "node_textfile_scrape_error"), ["node_textfile_scrape_error 0"]);

    // Timestamps make the collector skip the whole file and report a scrape error (why overwrite mode
    // defaults to include_timestamp: false).
    const stamped = new LogStorage({
      output_filename: join(dir, "stamped.prom"),
      overwrite: true,
      include_timestamp: true,
    });
    await stamped.store([metric("wca_stamped_probe", 1)]);
    const third = await exporter.scrape();
    assert.deepEqual(sampleLines(third, "node_textfile_scrape_error"), ["node_textfile_scrape_error 1"]);
    assert.deepEqual(sampleLines(third, "wca_stamped_probe"), []);
    assert.deepEqual(sampleLines(third, "wca_probe_value"), ['wca_probe_value{note="second"} 8']);
  } finally {
    const logs = await exporter?.stop();
    await Deno.remove(dir, { recursive: true });
    if (logs !== undefined && Deno.env.get("WCA_TEST_VERBOSE")) console.error(logs);
  }
});
