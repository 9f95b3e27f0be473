import assert from "node:assert/strict";
import { join } from "node:path";
import { type Labels, type Metric, metric } from "../../src/metrics/metric.ts";
import { encodeMetrics } from "../../src/metrics/prometheus.ts";
import { dropLabels, LogStorage, type LogStorageParams } from "../../src/storages/log_storage.ts";
import { deepFreeze, storageContract } from "./contract.ts";
import { RecordingStorageLog } from "./recording_log.ts";

const NOW = 1_600_000_000_000;
const now = () => NOW;

function tempDirFixture(params: (dir: string) => LogStorageParams) {
  return () => {
    const dir = Deno.makeTempDirSync({ prefix: "wca-log-storage-" });
    return {
      storage: new LogStorage(params(dir), undefined, { now }),
      dispose: () => Deno.removeSync(dir, { recursive: true }),
    };
  };
}

storageContract(
  "LogStorage to stderr",
  () => ({ storage: new LogStorage({}, undefined, { writeStderr: () => {}, now }) }),
);
storageContract(
  "LogStorage appending to a file",
  tempDirFixture((dir) => ({ output_filename: join(dir, "m.txt") })),
);
storageContract(
  "LogStorage overwriting a file",
  tempDirFixture((dir) => ({ output_filename: join(dir, "m.prom"), overwrite: true })),
);
storageContract(
  "LogStorage with filter_labels",
  tempDirFixture((dir) => ({
    output_filename: join(dir, "m.txt"),
    filter_labels: ["application", "nothing"],
  })),
);

const batchA =
  () => [metric("task_up", 1, { host: "h", task_id: "a" }), metric("wca_tasks", 1, { host: "h" })];
const batchB = () => [metric("wca_tasks", 2, { host: "h" }, { timestamp: 42 })];

async function withTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "wca-log-storage-" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("LogStorage: stderr gets each batch with timestamps, batches separated by a blank line", async () => {
  const written: string[] = [];
  const storage = new LogStorage({}, undefined, { writeStderr: (text) => written.push(text), now });
  await storage.store(batchA());
  await storage.store([]);
  await storage.store(batchB());
  assert.deepEqual(written, [
    encodeMetrics(batchA(), { timestamps: true, now: NOW }) + "\n",
    encodeMetrics(batchB(), { timestamps: true, now: NOW }) + "\n",
  ]);
  assert.match(written[0]!, /^task_up\{host="h",task_id="a"\} 1 1600000000000$/m);
  assert.match(written[1]!, /^wca_tasks\{host="h"\} 2 42$/m);
});

Deno.test("LogStorage: appending mode appends every batch, with timestamps by default", () =>
  withTempDir(async (dir) => {
    const path = join(dir, "metrics.txt");
    const storage = new LogStorage({ output_filename: path }, undefined, { now });
    await storage.store(batchA());
    await storage.store(batchB());
    const expected = encodeMetrics(batchA(), { timestamps: true, now: NOW }) + "\n" +
      encodeMetrics(batchB(), { timestamps: true, now: NOW }) + "\n";
    assert.equal(await Deno.readTextFile(path), expected);
    const plain = new LogStorage({ output_filename: path, include_timestamp: false }, undefined, { now });
    await plain.store(batchB());
    assert.ok((await Deno.readTextFile(path)).endsWith('\nwca_tasks{host="h"} 2\n\n'));
  }));

Deno.test("LogStorage: overwrite replaces the file atomically: new inode, no temp files, no timestamps", () =>
  withTempDir(async (dir) => {
    const path = join(dir, "wca.prom");
    const storage = new LogStorage({ output_filename: path, overwrite: true }, undefined, { now });
    await storage.store(batchA());
    const first = await Deno.stat(path);
    assert.equal(await Deno.readTextFile(path), encodeMetrics(batchA(), { timestamps: false }));
    await storage.store(batchB());
    const second = await Deno.stat(path);
    assert.equal(await Deno.readTextFile(path), encodeMetrics(batchB(), { timestamps: false }));
    assert.notEqual(second.ino, first.ino, "a rename installs a new inode; rewriting in place would not");
    assert.equal(second.mode! & 0o777, 0o644 & ~Deno.umask());
    await storage.store([]);
    assert.equal(await Deno.readTextFile(path), "");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["wca.prom"]);
  }));

Deno.test("LogStorage: overwrite with include_timestamp: true prints timestamps", () =>
  withTempDir(async (dir) => {
    const path = join(dir, "wca.prom");
    await new LogStorage({ output_filename: path, overwrite: true, include_timestamp: true }, undefined, {
      now,
    }).store(
      batchB(),
    );
    assert.equal(await Deno.readTextFile(path), encodeMetrics(batchB(), { timestamps: true, now: NOW }));
  }));

Deno.test("LogStorage: a reader never sees a partly written file in overwrite mode", () =>
  withTempDir(async (dir) => {
    const path = join(dir, "wca.prom");
    const storage = new LogStorage({ output_filename: path, overwrite: true }, undefined, { now });
    const batches = Array.from(
      { length: 30 },
      (_, round) =>
        Array.from(
          { length: 200 * (1 + (round % 3)) },
          (_, i) => metric("task_up", round, { task_id: `t${i}` }),
        ),
    );
    const complete = new Set(batches.map((batch) => encodeMetrics(batch, { timestamps: false })));
    await storage.store(batches[0]!);
    let writing = true;
    const partial: number[] = [];
    const reader = (async () => {
      let reads = 0;
      for (; writing; reads++) {
        const text = await Deno.readTextFile(path);
        if (!complete.has(text)) partial.push(text.length);
      }
      return reads;
    })();
    for (const batch of batches) await storage.store(batch);
    writing = false;
    assert.ok(await reader > 0);
    assert.deepEqual(partial, [], "lengths of partial reads");
  }));

Deno.test("LogStorage: filter_labels drops labels before output, without touching the input", async () => {
  const written: string[] = [];
  const storage = new LogStorage(
    { filter_labels: ["application", "task_name"], include_timestamp: false },
    undefined,
    {
      writeStderr: (text) => written.push(text),
    },
  );
  const batch = deepFreeze([
    metric("task_up", 1, { application: "x", task_id: "a", task_name: "a" }),
    metric("wca_tasks", 1, { host: "h" }),
  ]);
  await storage.store(batch);
  assert.ok(written[0]!.includes('task_up{task_id="a"} 1\n'));
  assert.ok(written[0]!.includes('wca_tasks{host="h"} 1\n'));
  assert.deepEqual(batch[0]!.labels, { application: "x", task_id: "a", task_name: "a" });
});

Deno.test("dropLabels: passes untouched metrics through and copies the changed ones", () => {
  const keep = metric("a", 1, { x: "1" });
  const change = metric("b", 1, { x: "1", drop: "me" });
  const out = dropLabels([keep, change], ["drop"]);
  assert.equal(out[0], keep);
  assert.deepEqual(out[1]!.labels, { x: "1" });
  assert.deepEqual(change.labels, { x: "1", drop: "me" });
  const all: Metric[] = [keep];
  assert.equal(dropLabels(all, []), all);
});

Deno.test("dropLabels: a frozen labels object gives the same filtered object every batch", () => {
  const known = new WeakMap<Labels, Labels>();
  const frozen = Object.freeze({ x: "1", drop: "me" });
  const first = dropLabels([metric("a", 1, frozen)], ["drop"], known)[0]!.labels;
  const second = dropLabels([metric("a", 2, frozen)], ["drop"], known)[0]!.labels;
  assert.equal(second, first);
  assert.ok(Object.isFrozen(first));
  assert.deepEqual(first, { x: "1" });
  // An object that may still change is filtered afresh each time.
  const open: Metric = { name: "a", value: 1, labels: { x: "1", drop: "me" } };
  const a = dropLabels([open], ["drop"], known)[0]!.labels;
  assert.notEqual(dropLabels([open], ["drop"], known)[0]!.labels, a);
});

Deno.test("LogStorage: filter_labels that merges series is refused as a duplicate series", async () => {
  const storage = new LogStorage({ filter_labels: ["cpu"] }, undefined, {
    writeStderr: () => assert.fail("wrote"),
  });
  await assert.rejects(
    () => storage.store([metric("task_cycles", 1, { cpu: "0" }), metric("task_cycles", 2, { cpu: "1" })]),
    { name: "MetricEncodingError", message: 'metric "task_cycles": duplicate series {}' },
  );
});

Deno.test("LogStorage: an invalid batch writes nothing", () =>
  withTempDir(async (dir) => {
    const path = join(dir, "metrics.txt");
    const storage = new LogStorage({ output_filename: path }, undefined, { now });
    await storage.store(batchA());
    const before = await Deno.readTextFile(path);
    await assert.rejects(() => storage.store([metric("ok", 1), metric("bad name", 1)]), {
      message: 'invalid metric name "bad name": must match [a-zA-Z_:][a-zA-Z0-9_:]*',
    });
    assert.equal(await Deno.readTextFile(path), before);
  }));

Deno.test("LogStorage: a failed rename leaves no temporary file behind, and the next store writes in full", () =>
  withTempDir(async (dir) => {
    const path = join(dir, "taken.prom");
    const log = new RecordingStorageLog();
    const storage = new LogStorage({ output_filename: path, overwrite: true }, undefined, { now, log });
    await Deno.mkdir(join(path, "not-empty"), { recursive: true });
    await storage.store(batchA());
    assert.equal(log.errors.length, 1);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["taken.prom"]);
    await Deno.remove(path, { recursive: true });
    await storage.store(batchA());
    assert.equal(await Deno.readTextFile(path), encodeMetrics(batchA(), { timestamps: false }));
    assert.deepEqual(log.infos, [`writing metrics to ${path} again after 1 failed write`]);
  }));

Deno.test("LogStorage.schema: WCA parameters, defaults, and refusals", () => {
  const parse = (value: unknown) => LogStorage.schema.safeParse(value);
  assert.deepEqual(parse({}).data, { overwrite: false });
  assert.deepEqual(parse({ output_filename: "/tmp/x.prom", overwrite: true, filter_labels: ["a"] }).data, {
    output_filename: "/tmp/x.prom",
    overwrite: true,
    filter_labels: ["a"],
  });
  assert.equal(
    parse({ output_filename: "relative.prom" }).data?.output_filename,
    `${Deno.cwd()}/relative.prom`,
  );
  const failures: [unknown, string][] = [
    [{ output_filename: "bad\nname.prom" }, "expected a path without control characters"],
    [{ overwrite: "yes" }, "expected true or false"],
    [{ overwrite: true }, "expected output_filename to be set when overwrite is true"],
    [{ filter_labels: "host" }, "expected a list"],
  ];
  for (const [value, message] of failures) {
    const result = parse(value);
    assert.equal(result.success, false, JSON.stringify(value));
    assert.ok(
      result.error!.issues.some((issue) => issue.message.startsWith(message)),
      JSON.stringify(result.error),
    );
  }
  assert.equal(parse({ output: "/x" }).success, false, "unknown fields are refused");
});

Deno.test("LogStorage on a terminal shows control characters in label values as escapes; a pipe gets the exact text", async () => {
  const task = "evil\u001b]0;owned\u0007\u001b[2J\u202e";
  const batch = [metric("task_up", 1, { task_id: task })];
  for (const terminal of [true, false]) {
    const written: string[] = [];
    const storage = new LogStorage({}, undefined, {
      writeStderr: (text) => written.push(text),
      now,
      terminal,
    });
    await storage.store(batch);
    const text = written.join("");
    assert.equal(text.split("\n").filter(Boolean).length, 3, "HELP, TYPE and the sample: no line added");
    if (terminal) {
      // deno-lint-ignore no-control-regex
      assert.ok(!/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/.test(text), JSON.stringify(text));
      assert.match(text, /task_up\{task_id="evil\\x1b\]0;owned\\x07\\x1b\[2J\\u202e"\} 1/);
    } else {
      assert.ok(text.includes(`task_id="${task}"`), "the exact text format");
    }
  }
});
