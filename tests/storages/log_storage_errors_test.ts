/**
 * LogStorage on paths that cannot be written: refused at start with the config position, and writes
 * that fail later (real causes: a removed directory, a path turned into a directory, a full tmpfs, a
 * /proc file) logged once per cause, counted, and their recovery said once.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Registry } from "../../src/components/mod.ts";
import { BUILTIN_COMPONENTS } from "../../src/builtins.ts";
import { buildRunner, FieldError, parseConfigText } from "../../src/config/mod.ts";
import { type Metric, metric } from "../../src/metrics/metric.ts";
import { encodeMetrics } from "../../src/metrics/prometheus.ts";
import { FilterStorage } from "../../src/storages/filter_storage.ts";
import { LogStorage } from "../../src/storages/log_storage.ts";
import { ROOT_FLAG, runWca } from "../helpers/wca_process.ts";
import { withTmpfs } from "../helpers/tmpfs.ts";
import { reasonOf, RecordingStorageLog } from "./recording_log.ts";

const NOW = 1_600_000_000_000;
const now = () => NOW;
const batch = (size = 3): Metric[] =>
  Array.from({ length: size }, (_, i) => metric("task_up", 1, { host: "h", task_id: `task-${i}` }));

const failed = (path: string, reason: string) =>
  `cannot write metrics to ${path}: ${reason} (retrying with every batch; reported again only for another cause)`;
const recovered = (path: string, n: number) =>
  `writing metrics to ${path} again after ${n} failed write${n === 1 ? "" : "s"}`;

function errorsCounted(storage: LogStorage): number {
  const [health] = storage.healthMetrics();
  assert.equal(health!.name, "wca_storage_write_errors_total");
  return health!.value;
}

async function withTempDir(body: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "wca-log-errors-" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("LogStorage: an unusable output_filename is a FieldError at construction", () =>
  withTempDir((dir) => {
    const path = join(dir, "missing", "wca.prom");
    assert.throws(() => new LogStorage({ output_filename: path }), (error: unknown) => {
      assert.ok(error instanceof FieldError);
      assert.deepEqual(error.field, ["output_filename"]);
      assert.equal(
        error.message,
        `directory ${dir}/missing does not exist; create it or choose another output_filename`,
      );
      return true;
    });
  }));

Deno.test("config: an unusable output_filename is reported at the field's position", () =>
  withTempDir((dir) => {
    const text = [
      "runner: !MeasurementRunner",
      "  node: !StaticNode",
      "    tasks: []",
      "  metrics_storage: !FilterStorage",
      "    storages:",
      "      - !LogStorage",
      `        output_filename: ${dir}`,
      "",
    ].join("\n");
    const registry = new Registry(BUILTIN_COMPONENTS);
    assert.throws(
      () => buildRunner(parseConfigText("agent.yaml", text), { components: registry }),
      {
        message: `agent.yaml:7:26: Invalid value "${dir}" for field 'output_filename' in !LogStorage: ` +
          `${dir} is a directory; expected the name of a file in it (e.g. ${dir}/wca.prom)`,
      },
    );
  }));

Deno.test("wca -c: a LogStorage directory that does not exist exits 1 before the first iteration, one positioned line", () =>
  withTempDir(async (dir) => {
    const config = join(dir, "wca.yaml");
    const output = join(dir, "no-such-dir", "wca.prom");
    await Deno.writeTextFile(
      config,
      [
        "runner: !MeasurementRunner",
        "  node: !StaticNode",
        "    tasks: []",
        "  metrics_storage: !LogStorage",
        `    output_filename: ${output}`,
        "    overwrite: true",
        "",
      ].join("\n"),
    );
    const run = await runWca(["-c", config, ...ROOT_FLAG]);
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stdout, "");
    assert.equal(
      run.stderr,
      `wca: ${config}:5:22: Invalid value "${output}" for field 'output_filename' in !LogStorage: ` +
        `directory ${dir}/no-such-dir does not exist; create it or choose another output_filename\n`,
    );
  }));

Deno.test("LogStorage: a directory removed mid-run is reported once, counted, and its recovery said once", () =>
  withTempDir(async (dir) => {
    for (const overwrite of [false, true]) {
      const sub = join(dir, `out-${overwrite}`);
      await Deno.mkdir(sub);
      const path = join(sub, "wca.prom");
      const log = new RecordingStorageLog();
      const storage = new LogStorage({ output_filename: path, overwrite }, undefined, { now, log });
      await storage.store(batch());
      await Deno.remove(sub, { recursive: true });
      for (let i = 0; i < 4; i++) await storage.store(batch()); // resolves: the failure is handled
      assert.equal(errorsCounted(storage), 4);
      await Deno.mkdir(sub);
      await storage.store(batch(2));
      await storage.store(batch(2));
      assert.deepEqual(log.errors, [failed(path, "No such file or directory")], `overwrite=${overwrite}`);
      assert.deepEqual(log.infos, [recovered(path, 4)]);
      assert.equal(errorsCounted(storage), 4);
      const text = encodeMetrics(batch(2), { timestamps: !overwrite, now: NOW });
      assert.equal(await Deno.readTextFile(path), overwrite ? text : `${text}\n${text}\n`);
    }
  }));

Deno.test("LogStorage: a path that becomes a directory is reported once per mode, with the OS reason", () =>
  withTempDir(async (dir) => {
    for (const overwrite of [false, true]) {
      const path = join(dir, `wca-${overwrite}.prom`);
      const log = new RecordingStorageLog();
      const storage = new LogStorage({ output_filename: path, overwrite }, undefined, { now, log });
      await storage.store(batch());
      await Deno.remove(path);
      await Deno.mkdir(join(path, "inside"), { recursive: true });
      await storage.store(batch());
      await storage.store(batch());
      const scratch = join(dir, "scratch");
      await Deno.writeTextFile(scratch, "");
      const reason = overwrite
        ? reasonOf(() => Deno.renameSync(scratch, path))
        : reasonOf(() => Deno.writeTextFileSync(path, "x", { append: true }));
      assert.deepEqual(log.errors, [failed(path, reason)]);
      await Deno.remove(scratch);
      assert.deepEqual(log.infos, []);
      assert.equal(errorsCounted(storage), 2);
      assert.deepEqual(
        [...Deno.readDirSync(dir)].map((e) => e.name).sort(),
        overwrite ? ["wca-false.prom", "wca-true.prom"] : ["wca-false.prom"],
        "no temporary files left behind",
      );
    }
  }));

Deno.test("LogStorage: a full disk (tmpfs) and a removed directory are two causes, each said once", async () => {
  await withTmpfs(16 * 1024, async (fs) => {
    const sub = join(fs.dir, "out");
    await Deno.mkdir(sub);
    const path = join(sub, "wca.prom");
    const log = new RecordingStorageLog();
    const storage = new LogStorage({ output_filename: path, overwrite: true }, undefined, { now, log });
    await storage.store(batch());
    const blocker = join(fs.dir, "blocker");
    await Deno.writeFile(blocker, new Uint8Array(12 * 1024)).catch(() => {}); // fills the rest
    const big = batch(200); // about 9 KiB of text
    for (let i = 0; i < 3; i++) await storage.store(big);
    await Deno.remove(sub, { recursive: true });
    await storage.store(big);
    await storage.store(big);
    for (let i = 0; i < 2; i++) await storage.store(big);
    await Deno.remove(blocker);
    await Deno.mkdir(sub);
    await storage.store(big);
    assert.deepEqual(log.errors, [
      failed(path, "No space left on device"),
      failed(path, "No such file or directory"),
    ]);
    assert.deepEqual(log.infos, [recovered(path, 7)]);
    assert.equal(errorsCounted(storage), 7);
    assert.equal(await Deno.readTextFile(path), encodeMetrics(big, { timestamps: false }));
    assert.deepEqual([...Deno.readDirSync(sub)].map((e) => e.name), ["wca.prom"]);
  });
});

Deno.test("LogStorage: a /proc file that opens but refuses writes is reported once and counted", async () => {
  const log = new RecordingStorageLog();
  const storage = new LogStorage({ output_filename: "/proc/version" }, undefined, { now, log });
  for (let i = 0; i < 5; i++) await storage.store(batch());
  const reason = reasonOf(() => Deno.writeTextFileSync("/proc/version", "x\n", { append: true }));
  assert.deepEqual(log.errors, [failed("/proc/version", reason)]);
  assert.equal(errorsCounted(storage), 5);
  assert.deepEqual(storage.healthMetrics()[0]!.labels, { storage: "LogStorage", output: "/proc/version" });
});

Deno.test("FilterStorage: a failing LogStorage inside does not stop the others, says its cause once, and is counted", () =>
  withTempDir(async (dir) => {
    const sub = join(dir, "gone");
    await Deno.mkdir(sub);
    const failing = join(sub, "wca.prom");
    const healthy = join(dir, "ok.prom");
    const log = new RecordingStorageLog();
    const filter = new FilterStorage({
      storages: [
        new LogStorage({ output_filename: failing, overwrite: true }, undefined, { now, log }),
        new LogStorage({ output_filename: healthy, overwrite: true }, undefined, { now, log }),
        new LogStorage({}, undefined, { now, log, writeStderr: () => {} }),
        new LogStorage({}, undefined, { now, log, writeStderr: () => {} }),
      ],
    });
    await Deno.remove(sub, { recursive: true });
    for (let i = 0; i < 3; i++) await filter.store(batch()); // does not throw
    assert.deepEqual(log.errors, [failed(failing, "No such file or directory")]);
    assert.doesNotMatch(log.errors[0]!, /FilterStorage|LogStorage/);
    assert.equal(await Deno.readTextFile(healthy), encodeMetrics(batch(), { timestamps: false }));
    assert.deepEqual(
      filter.healthMetrics().map((m) => [m.labels.output, m.value]),
      [[failing, 3], [healthy, 0], ["stderr", 0]],
      "two storages on stderr are one series",
    );
    await filter.close();
  }));
