import assert from "node:assert/strict";
import { join } from "node:path";
import type { Storage } from "../../src/components/interfaces.ts";
import { type Metric, metric } from "../../src/metrics/metric.ts";
import { filterByName, FilterStorage, StorageAggregateError } from "../../src/storages/filter_storage.ts";
import { LogStorage } from "../../src/storages/log_storage.ts";
import { storageContract } from "./contract.ts";

/** Remembers what it was given; fails on demand. */
class RecordingStorage implements Storage {
  readonly batches: (readonly Metric[])[] = [];
  closes = 0;
  constructor(readonly fail: "no" | "sync" | "async" = "no") {}

  store(metrics: readonly Metric[]): Promise<void> | void {
    this.batches.push(metrics);
    if (this.fail === "sync") throw new Error("disk full");
    if (this.fail === "async") return Promise.reject(new Error("broker down"));
  }

  close(): void {
    this.closes++;
    if (this.fail !== "no") throw new Error(`close failed (${this.fail})`);
  }
}

class StoreOnly implements Storage {
  count = 0;
  store(): void {
    this.count++;
  }
}

storageContract("FilterStorage without filter", () => ({
  storage: new FilterStorage({ storages: [new RecordingStorage(), new StoreOnly()] }),
}));
storageContract("FilterStorage with a filter", () => ({
  storage: new FilterStorage({ storages: [new RecordingStorage()], filter: ["task_up", "wca_tasks"] }),
}));
storageContract("FilterStorage over LogStorages", () => {
  const dir = Deno.makeTempDirSync({ prefix: "wca-filter-storage-" });
  const storages = [
    new LogStorage({ output_filename: join(dir, "a.prom"), overwrite: true }),
    new LogStorage({ output_filename: join(dir, "b.txt"), filter_labels: ["application"] }),
  ];
  return {
    storage: new FilterStorage({ storages }),
    dispose: () => Deno.removeSync(dir, { recursive: true }),
  };
});

const batch =
  () => [metric("task_up", 1, { t: "a" }), metric("wca_tasks", 3), metric("task_cycles", 9, { cpu: "0" })];

Deno.test("FilterStorage: passes only the listed names, to every storage, in order", async () => {
  const first = new RecordingStorage();
  const second = new RecordingStorage();
  const storage = new FilterStorage({
    storages: [first, second],
    filter: ["wca_tasks", "task_up", "absent"],
  });
  await storage.store(batch());
  for (const target of [first, second]) {
    assert.deepEqual(target.batches, [[metric("task_up", 1, { t: "a" }), metric("wca_tasks", 3)]]);
  }
});

Deno.test("FilterStorage: without a filter passes everything; an empty filter passes nothing", async () => {
  const all = new RecordingStorage();
  const none = new RecordingStorage();
  await new FilterStorage({ storages: [all] }).store(batch());
  await new FilterStorage({ storages: [none], filter: [] }).store(batch());
  assert.deepEqual(all.batches, [batch()]);
  assert.deepEqual(none.batches, [[]]);
});

Deno.test("FilterStorage: storages get a frozen list, so one cannot change what the next sees", async () => {
  const target = new RecordingStorage();
  await new FilterStorage({ storages: [target] }).store(batch());
  assert.ok(Object.isFrozen(target.batches[0]));
});

Deno.test("FilterStorage: failing storages do not stop the others; all errors are thrown together", async () => {
  const ok1 = new RecordingStorage();
  const sync = new RecordingStorage("sync");
  const ok2 = new RecordingStorage();
  const rejecting = new RecordingStorage("async");
  const storage = new FilterStorage({ storages: [ok1, sync, ok2, rejecting] });
  await assert.rejects(() => storage.store(batch()), (error: unknown) => {
    assert.ok(error instanceof StorageAggregateError);
    assert.ok(error instanceof AggregateError);
    assert.equal(
      error.message,
      "FilterStorage: store failed in 2 of 4 storages: [1] RecordingStorage: disk full; " +
        "[3] RecordingStorage: broker down",
    );
    assert.deepEqual(error.storageIndexes, [1, 3]);
    assert.deepEqual(error.errors.map((e: Error) => e.message), ["disk full", "broker down"]);
    return true;
  });
  for (const target of [ok1, sync, ok2, rejecting]) assert.equal(target.batches.length, 1);
});

Deno.test("FilterStorage: close forwards once to every storage, even past failures", async () => {
  const a = new RecordingStorage();
  const failing = new RecordingStorage("sync");
  const storeOnly = new StoreOnly();
  const storage = new FilterStorage({ storages: [a, failing, storeOnly] });
  await assert.rejects(() => storage.close(), {
    name: "StorageAggregateError",
    message: "FilterStorage: close failed in 1 of 3 storages: [1] RecordingStorage: close failed (sync)",
  });
  await storage.close();
  assert.equal(a.closes, 1);
  assert.equal(failing.closes, 1);
});

Deno.test("filterByName: same array without names, a filtered copy with them", () => {
  const metrics = batch();
  assert.equal(filterByName(metrics, undefined), metrics);
  assert.deepEqual(filterByName(metrics, new Set(["task_cycles"])).map((m) => m.name), ["task_cycles"]);
});

Deno.test("FilterStorage.schema: storages must be Storage components; filter a list of names", () => {
  const parse = (value: unknown) => FilterStorage.schema.safeParse(value);
  assert.equal(parse({ storages: [new StoreOnly()], filter: ["a"] }).success, true);
  const failures: [unknown, string][] = [
    [{ storages: [{ notAStorage: true }] }, "expected a Storage component (one with store())"],
    [{ storages: new StoreOnly() }, "expected a list"],
    [{ storages: [], filter: "task_up" }, "expected a list"],
  ];
  for (const [value, message] of failures) {
    const result = parse(value);
    assert.equal(result.success, false);
    assert.ok(result.error!.issues.some((issue) => issue.message === message), JSON.stringify(result.error));
  }
  assert.equal(parse({ storages: [], extra: 1 }).success, false, "unknown fields are refused");
  assert.equal(parse({}).success, false, "storages is required");
});
