/**
 * The measuring agent as a user runs it: `wca --root [-c CONFIG]` as a subprocess on this machine's real
 * cgroups, stopped with SIGTERM or SIGINT, read through its output file, its standard error and its
 * HTTP /metrics endpoint.
 */
import assert from "node:assert/strict";
import { readCgroupLayout } from "../../src/platform/cgroup/mod.ts";
import { defaultHostPaths } from "../../src/platform/host_paths.ts";
import { withRealCgroups } from "../helpers/real_cgroups.ts";
import { Agent } from "../helpers/wca_agent.ts";
import { ROOT_FLAG, runWca } from "../helpers/wca_process.ts";

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A config file only its owner can write, as wca demands. */
async function writeConfig(dir: string, yaml: string): Promise<string> {
  const path = `${dir}/wca.yaml`;
  await Deno.writeTextFile(path, yaml, { mode: 0o600 });
  return path;
}

/** A port that was free a moment ago: bind port 0, note it, let it go. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

function staticConfig(taskId: string, storage: string[]): string {
  return [
    "runner: !MeasurementRunner",
    "  interval: 0.2",
    "  node: !StaticNode",
    `    tasks: ["${taskId}"]`,
    "  metrics_storage: !LogStorage",
    ...storage,
    "",
  ].join("\n");
}

function readIfExists(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

Deno.test("wca -c: LogStorage file with overwrite, SIGTERM finishes the iteration and exits 0", async () => {
  await withRealCgroups(["cpuacct", "cpu", "memory"], 1, async (groups) => {
    const path = groups.paths[0]!;
    groups.spawnIn(path);
    const taskId = path.slice(1);
    const dir = await Deno.makeTempDir();
    let agent: Agent | undefined;
    try {
      const output = `${dir}/wca.prom`;
      const config = await writeConfig(
        dir,
        staticConfig(taskId, [`    output_filename: ${output}`, "    overwrite: true"]),
      );
      agent = new Agent(["-c", config]);
      await agent.until("the first metrics file", () => readIfExists(output) !== undefined);
      await delay(1000);
      const status = await agent.stop("SIGTERM");
      assert.equal(status.code, 0, agent.stderr);
      assert.match(
        agent.stderr,
        /INFO +\{MainThread\} \[wca\.main\] received SIGTERM, finishing the current iteration/,
      );
      assert.doesNotMatch(agent.stderr, /ERROR|CRITICAL/);
      assert.equal(agent.stdout, "");
      const text = Deno.readTextFileSync(output);
      const escaped = taskId.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
      assert.match(
        text,
        new RegExp(`^task_cpu_usage_seconds\\{[^}]*task_id="${escaped}"[^}]*\\} [0-9.e+-]+$`, "m"),
      );
      assert.match(text, new RegExp(`^task_mem_usage_bytes\\{[^}]*task_id="${escaped}"`, "m"));
      assert.match(text, /^wca_up\{[^}]*\} [0-9.e+]+$/m, "wca_up without a timestamp (overwrite)");
      assert.deepEqual(
        [...Deno.readDirSync(dir)].map((entry) => entry.name).sort(),
        ["wca.prom", "wca.yaml"],
        "no temporary files left behind",
      );
    } finally {
      await agent?.dispose();
      await Deno.remove(dir, { recursive: true });
    }
  });
});

/** The hierarchy CgroupNode looks tasks up in on this host (as src/nodes/cgroup_tree.ts picks it). */
function taskHierarchy(): string {
  const layout = readCgroupLayout(defaultHostPaths());
  return (layout.v1.get("cpuacct") ?? layout.v1.get("cpu") ?? layout.unified)!.mountPoint;
}

function isDir(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** Log lines of `module` in `stderr`, without their timestamps. */
function logLines(stderr: string, module: string): string[] {
  return stderr.split("\n").filter((line) => line.includes(`{MainThread} [${module}] `)).map((line) =>
    line.slice(24)
  );
}

Deno.test("wca without -c runs the embedded default: says what CgroupNode found, platform and wca metrics on stderr; SIGINT exits 0", async () => {
  const agent = new Agent(["-l", "debug"]);
  try {
    await agent.until(
      "platform_cpu_usage and wca_tasks on stderr, and a second iteration",
      () =>
        /^platform_cpu_usage\{/m.test(agent.stderr) && /^wca_tasks\{/m.test(agent.stderr) &&
        (agent.stderr.match(/\] iteration: /g) ?? []).length >= 2,
    );
    const status = await agent.stop("SIGINT");
    assert.equal(status.code, 0, agent.stderr);
    assert.match(agent.stderr, /received SIGINT, finishing the current iteration/);
    assert.match(agent.stderr, /measuring every 1s: \d+ CPUs, cgroup (v1|v2|hybrid)/);
    assert.doesNotMatch(agent.stderr, /ERROR|CRITICAL/);
    // What it found depends on this host: the expectation comes from the cgroup tree itself.
    const mount = taskHierarchy();
    const defaults = ["/system.slice", "/docker", "/machine.slice"];
    const present = defaults.filter((parent) => isDir(mount + parent));
    const missing = defaults.filter((parent) => !present.includes(parent));
    const node = logLines(agent.stderr, "wca.nodes.cgroup").filter((line) => !line.startsWith("DEBUG"));
    assert.ok(node.length >= 1, agent.stderr);
    const first = node[0]!;
    if (present.length === 0) {
      assert.match(
        first,
        new RegExp(
          `^WARNING +\\{MainThread\\} \\[wca\\.nodes\\.cgroup\\] CgroupNode: no tasks: none of the parents exists ` +
            `in ${
              escapeRegExp(mount)
            } \\(/system\\.slice, /docker, /machine\\.slice\\); .*Set CgroupNode's parents`,
        ),
      );
      assert.equal(node.length, 1, "said once, not every iteration");
    } else {
      const below = `1 levels? below ${escapeRegExp(present.join(", "))} in ${escapeRegExp(mount)}`;
      const gone = missing.length ? `; missing: ${escapeRegExp(missing.join(", "))}` : "";
      assert.match(
        first,
        new RegExp(
          `CgroupNode: (\\d+ tasks?: cgroups with processes ${below}${gone}|no tasks: .*${below}.*)$`,
        ),
      );
    }
    const iterations = logLines(agent.stderr, "wca.runners.measurement").filter((line) =>
      line.includes("] iteration: ")
    );
    for (const line of iterations) {
      assert.match(
        line,
        /^DEBUG .* iteration: \d+ tasks?, \d+ metrics, measured in [\d.]+ ms, stored in [\d.]+ ms$/,
      );
    }
  } finally {
    await agent.dispose();
  }
});

Deno.test("CgroupNode on real cgroups: says at start and on change which parents exist and why no tasks, escapes a cgroup name with control characters", async () => {
  await withRealCgroups(["cpuacct", "cpu", "memory"], 1, async (groups) => {
    const mount = taskHierarchy();
    const absent = `/wca-absent-${crypto.randomUUID().slice(0, 8)}`;
    // The kernel refuses '\n' in cgroup names but takes ESC, CR and other control characters.
    const evil = `${groups.parent}/evil\x1b[2J\r\x07`;
    const shown = `${groups.parent}/evil\\x1b[2J\\r\\x07`;
    for (const dir of groups.dirs(evil)) Deno.mkdirSync(dir);
    const dir = await Deno.makeTempDir();
    let agent: Agent | undefined;
    let child: Deno.ChildProcess | undefined;
    try {
      const config = await writeConfig(
        dir,
        [
          "runner: !MeasurementRunner",
          "  interval: 0.1",
          "  node: !CgroupNode",
          `    parents: ["${groups.parent}", "${absent}"]`,
          "  metrics_storage: !LogStorage",
          `    output_filename: ${dir}/metrics.prom`,
          "",
        ].join("\n"),
      );
      agent = new Agent(["-c", config, "-l", "debug"]);
      const node = () => logLines(agent!.stderr, "wca.nodes.cgroup");
      const noPids =
        `WARNING  {MainThread} [wca.nodes.cgroup] CgroupNode: no tasks: 2 cgroups 1 level below ` +
        `${groups.parent} in ${mount}, none with processes (require_pids: true); missing: ${absent}`;
      await agent.until("the warning about cgroups without processes", () => node().includes(noPids));
      child = groups.spawnIn(evil);
      const found =
        `INFO     {MainThread} [wca.nodes.cgroup] CgroupNode: 1 task: cgroups with processes 1 level ` +
        `below ${groups.parent} in ${mount}; missing: ${absent}`;
      await agent.until("the task with processes", () => node().includes(found));
      await groups.kill(child);
      child = undefined;
      await agent.until("no tasks again", () => node().filter((line) => line === noPids).length === 2);
      const iterationsBefore = (agent.stderr.match(/\] iteration: /g) ?? []).length;
      await agent.until(
        "five more iterations",
        () => (agent!.stderr.match(/\] iteration: /g) ?? []).length >= iterationsBefore + 5,
      );
      assert.equal((await agent.stop("SIGTERM")).code, 0, agent.stderr);
      const infoAndUp = node().filter((line) => !line.startsWith("DEBUG"));
      assert.deepEqual(
        infoAndUp,
        [noPids, found, noPids],
        "said at start and on each change, not every iteration",
      );
      assert.ok(
        node().includes(
          `DEBUG    {MainThread} [wca.nodes.cgroup] CgroupNode: 1 task; new: ${shown}; gone: none`,
        ),
        agent.stderr,
      );
      assert.match(agent.stderr, / iteration: 1 task, \d+ metrics, measured in [\d.]+ ms/);
      // Nothing raw reached the log: no ESC, CR or BEL anywhere on stderr.
      for (const raw of ["\x1b", "\r", "\x07"]) {
        assert.ok(!agent.stderr.includes(raw), `raw ${JSON.stringify(raw)}`);
      }
    } finally {
      if (child) await groups.kill(child);
      await agent?.dispose();
      groups.remove(evil);
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("HTTPMetricsStorage: /metrics serves the task's metrics while the agent runs", async () => {
  await withRealCgroups(["cpuacct", "cpu", "memory"], 1, async (groups) => {
    const path = groups.paths[0]!;
    groups.spawnIn(path);
    const taskId = path.slice(1);
    const dir = await Deno.makeTempDir();
    const port = freePort();
    const url = `http://127.0.0.1:${port}/metrics`;
    const client = Deno.createHttpClient({});
    let agent: Agent | undefined;
    try {
      const config = await writeConfig(
        dir,
        [
          "runner: !MeasurementRunner",
          "  interval: 0.2",
          "  node: !StaticNode",
          `    tasks: ["${taskId}"]`,
          "  metrics_storage: !HTTPMetricsStorage",
          `    listen: 127.0.0.1:${port}`,
          "",
        ].join("\n"),
      );
      agent = new Agent(["-c", config]);
      let body = "";
      let contentType: string | null = null;
      await agent.until(`${url} to serve task_cpu_usage_seconds of ${taskId}`, async () => {
        try {
          const response = await fetch(url, { client });
          body = await response.text();
          contentType = response.headers.get("content-type");
          return response.ok && body.includes(`task_id="${taskId}"`);
        } catch {
          return false; // not listening yet
        }
      });
      assert.equal(contentType, "text/plain; version=0.0.4; charset=utf-8");
      for (const name of ["task_cpu_usage_seconds", "task_mem_usage_bytes", "task_up"]) {
        assert.ok(
          body.split("\n").some((line) =>
            line.startsWith(`${name}{`) && line.includes(`task_id="${taskId}"`)
          ),
          `${name} for ${taskId} in:\n${body.slice(0, 2000)}`,
        );
      }
      assert.match(body, /^wca_up\{/m);
      const status = await agent.stop("SIGTERM");
      assert.equal(status.code, 0, agent.stderr);
      assert.match(agent.stderr, new RegExp(`serving metrics at ${url.replaceAll(".", "\\.")}`));
      await assert.rejects(fetch(url, { client }), "the server stopped with the agent");
    } finally {
      client.close();
      await agent?.dispose();
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("rdt_enabled: true on this host (no resctrl) exits 1 with one clear line; unset measures without RDT", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const config = (rdt: string[]) =>
      writeConfig(
        dir,
        ["runner: !MeasurementRunner", ...rdt, "  node: !StaticNode", "    tasks: []", ""].join("\n"),
      );
    const required = await runWca([
      "-c",
      await config(["  rdt_enabled: true"]),
      "--resctrl-root",
      `${dir}/no-resctrl`,
      ...ROOT_FLAG,
    ]);
    assert.equal(required.code, 1);
    const lines = required.stderr.trim().split("\n");
    assert.equal(lines.length, 1, required.stderr);
    assert.match(
      lines[0]!,
      new RegExp(
        `ERROR +\\{MainThread\\} \\[wca\\.runners\\.measurement\\] rdt_enabled is true but resctrl is not mounted at ${dir}/no-resctrl: ` +
          `mount it with \`mount -t resctrl resctrl ${dir}/no-resctrl\``,
      ),
    );
    assert.match(lines[0]!, /or set rdt_enabled: false$/);
    assert.doesNotMatch(required.stderr, /\bat .*\.ts:\d+/, "no stack trace");
    assert.equal(required.stdout, "");

    const auto = new Agent(["-c", await config([]), "--resctrl-root", `${dir}/no-resctrl`]);
    await auto.until("a first batch", () => auto.stderr.includes("wca_up"));
    assert.equal((await auto.stop("SIGTERM")).code, 0);
    assert.match(
      auto.stderr,
      /RDT: resctrl is not mounted at .*no-resctrl; RDT metrics are off \(rdt_enabled is unset\)/,
    );
    assert.doesNotMatch(auto.stderr, / ERROR /);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
