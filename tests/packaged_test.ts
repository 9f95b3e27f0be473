/**
 * `deno task package`, the offline single-file form, as a user meets it: the packaged `wca` copied alone
 * into an empty directory on PATH, with no deno on PATH and an empty cache, prints its version, measures
 * a real cgroup for two iterations, loads a `-r` detector that imports the plugin API; the packaged
 * stress-ng wrapper runs stress-ng. A damaged file and an untrusted cache directory are refused.
 */
import assert from "node:assert/strict";
import denoJson from "../deno.json" with { type: "json" };
import { onPath, packageInto } from "./helpers/packaged.ts";
import { withRealCgroups } from "./helpers/real_cgroups.ts";
import { withCpuLoadLock } from "./helpers/stress.ts";
import { Agent } from "./helpers/wca_agent.ts";
import { ROOT } from "./helpers/wca_process.ts";

const built = packageInto(["wca", "wrapper-stress-ng"]);

interface Machine {
  /** The empty directory on PATH holding only the copied file. */
  readonly bin: string;
  /** An empty working directory: no deno.json or node_modules to lean on. */
  readonly cwd: string;
  readonly env: Record<string, string>;
  readonly cache: string;
}

/** A clean machine for one test: `names` copied alone into bin/, a fresh owner-only cache directory. */
async function cleanMachine<T>(names: string[], body: (machine: Machine) => Promise<T>): Promise<T> {
  const out = await built;
  const top = await Deno.makeTempDir({ prefix: "wca-offline-" });
  try {
    const bin = `${top}/bin`;
    const cwd = `${top}/work`;
    await Deno.mkdir(bin);
    await Deno.mkdir(cwd);
    for (const name of names) await Deno.copyFile(`${out}/${name}`, `${bin}/${name}`);
    const path = `${bin}:/usr/sbin:/usr/bin:/sbin:/bin`;
    assert.deepEqual(onPath("deno", path), [], "no deno on the PATH the packaged files run with");
    const cache = `${top}/cache/wca`;
    const env = { PATH: path, HOME: `${top}/home`, WCA_CACHE_DIR: cache, NO_COLOR: "1" };
    return await body({ bin, cwd, env, cache });
  } finally {
    await Deno.remove(top, { recursive: true });
  }
}

/** `sh -c COMMAND` in the machine: the shell finds the packaged file on PATH as a user's shell would. */
async function shell(
  machine: Machine,
  command: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command("/bin/sh", {
    args: ["-c", command],
    cwd: machine.cwd,
    clearEnv: true,
    env: machine.env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code: output.code, stdout: decoder.decode(output.stdout), stderr: decoder.decode(output.stderr) };
}

async function writeConfig(dir: string, yaml: string): Promise<string> {
  const path = `${dir}/wca.yaml`;
  await Deno.writeTextFile(path, yaml, { mode: 0o600 });
  return path;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

Deno.test("packaged wca alone on PATH: --version, then two iterations of a real config, then a -r detector", async () => {
  await cleanMachine(["wca"], async (machine) => {
    const version = await shell(machine, "wca --version");
    assert.equal(version.code, 0, version.stderr);
    assert.match(
      version.stdout,
      new RegExp(`^wca ${escape(denoJson.version)} \\(deno ${escape(Deno.version.deno)},`),
    );
    // Unpacked once into the versioned cache directory: the runtime and program, owner-writable only.
    const unpacked = [...Deno.readDirSync(machine.cache)].map((entry) => entry.name);
    assert.equal(unpacked.length, 1, unpacked.join(" "));
    assert.match(unpacked[0]!, new RegExp(`^wca-${escape(denoJson.version)}-[0-9a-f]{16}$`));
    const runtime = Deno.statSync(`${machine.cache}/${unpacked[0]}/deno`);
    assert.equal(runtime.mode! & 0o777, 0o555);
    assert.equal(Deno.statSync(machine.cache).mode! & 0o077, 0, "the cache root is its owner's only");

    await withRealCgroups(["cpuacct", "cpu", "memory"], 1, async (groups) => {
      const path = groups.paths[0]!;
      groups.spawnIn(path);
      const taskId = path.slice(1);
      const measure = await writeConfig(
        machine.cwd,
        [
          "runner: !MeasurementRunner",
          "  interval: 0.5",
          "  node: !StaticNode",
          `    tasks: ["${taskId}"]`,
          "  metrics_storage: !LogStorage",
          "",
        ].join("\n"),
      );
      const line = new RegExp(
        `^task_cpu_usage_seconds\\{[^}]*task_id="${escape(taskId)}"[^}]*\\} \\S+`,
        "gm",
      );
      const agent = new Agent(["-c", measure], {
        path: `${machine.bin}/wca`,
        env: machine.env,
        cwd: machine.cwd,
      });
      try {
        await agent.until("two iterations", () => (agent.stderr.match(line) ?? []).length >= 2, 30_000);
        const status = await agent.stop("SIGTERM");
        assert.equal(status.code, 0, agent.stderr);
        assert.doesNotMatch(agent.stderr, /ERROR|CRITICAL/);
      } finally {
        await agent.dispose();
      }

      // A -r module importing the plugin API (src/mod.ts, which imports zod) loads with no network.
      const detect = await writeConfig(
        machine.cwd,
        [
          "runner: !DetectionRunner",
          "  node: !StaticNode",
          `    tasks: ["${taskId}"]`,
          "  action_delay: 0.5",
          "  metrics_storage: !LogStorage",
          "  anomalies_storage: !LogStorage",
          "  detector: !ExampleDetector",
          `    task_id: "${taskId}"`,
          "",
        ].join("\n"),
      );
      const detector = new Agent(
        ["-c", detect, "-r", `${ROOT}examples/example_detector.ts`],
        { path: `${machine.bin}/wca`, env: machine.env, cwd: machine.cwd },
      );
      try {
        const anomaly = new RegExp(`^anomaly\\{[^}]*contended_task_id="${escape(taskId)}"`, "m");
        await detector.until("an anomaly from the -r detector", () => anomaly.test(detector.stderr), 30_000);
        assert.equal((await detector.stop("SIGTERM")).code, 0, detector.stderr);
      } finally {
        await detector.dispose();
      }
    });
  });
});

Deno.test("packaged wrapper-stress-ng alone on PATH runs stress-ng and stores its bogo ops", async () => {
  await withCpuLoadLock(async () => {
    await cleanMachine(["wrapper-stress-ng"], async (machine) => {
      assert.notDeepEqual(onPath("stress-ng", machine.env.PATH!), [], "stress-ng is installed");
      const run = await shell(
        machine,
        "wrapper-stress-ng --command 'stress-ng --cpu 1 --cpu-load 30 --metrics-brief --timeout 1' " +
          `--labels "{'workload':'stress-ng'}" --prometheus_port -1 --storage_output_filename apms.prom`,
      );
      assert.equal(run.code, 0, run.stderr);
      const text = await Deno.readTextFile(`${machine.cwd}/apms.prom`);
      assert.match(text, /^bogo_ops\{stressor="cpu",workload="stress-ng"\} \d+ \d{13}$/m);
    });
  });
});

Deno.test("packaged wca refuses a damaged file and a cache directory others can write, before running anything", async () => {
  await cleanMachine(["wca"], async (machine) => {
    const file = `${machine.bin}/wca`;
    const bytes = await Deno.readFile(file);
    const damaged = `${machine.bin}/wca-damaged`;
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
    await Deno.writeFile(damaged, bytes, { mode: 0o755 });
    const broken = await shell(machine, "wca-damaged --version");
    assert.equal(broken.code, 1);
    assert.match(
      broken.stderr,
      /wca: .*wca-damaged is damaged: its payload's sha256 is [0-9a-f]{64}, expected /,
    );
    assert.equal(broken.stdout, "");

    const shared = `${machine.cwd}/shared`;
    await Deno.mkdir(shared);
    await Deno.chmod(shared, 0o1777); // like /tmp
    const open = await shell(machine, `WCA_CACHE_DIR=${shared} wca --version`);
    assert.equal(open.code, 1);
    assert.match(
      open.stderr,
      /refusing the cache directory '.*\/shared': it must be owned by uid \d+ or root/,
    );
    assert.deepEqual([...Deno.readDirSync(shared)], [], "nothing was unpacked there");

    const foreign = `${machine.cwd}/foreign`;
    await Deno.mkdir(foreign, { mode: 0o755 });
    await Deno.chown(foreign, 65534, 65534);
    const other = await shell(machine, `WCA_CACHE_DIR=${foreign} wca --version`);
    assert.equal(other.code, 1);
    assert.match(other.stderr, /refusing the cache directory/);

    const relative = await shell(machine, "WCA_CACHE_DIR=cache wca --version");
    assert.equal(relative.code, 1);
    assert.match(relative.stderr, /the cache directory 'cache' is not an absolute path/);
  });
});
