/**
 * The Storage contract, run against every Storage implementation (in the spirit of hono's shared router
 * tests). Call `storageContract("LogStorage to a file", factory)` from a *_test.ts file.
 */
import assert from "node:assert/strict";
import type { Storage } from "../../src/components/interfaces.ts";
import { type Metric, metric } from "../../src/metrics/metric.ts";
import { realisticBatch } from "../metrics/sample_batch.ts";

export interface StorageFixture {
  readonly storage: Storage;
  /** Removes what the factory created (temp dirs…); runs after the storage is closed. */
  readonly dispose?: () => void | Promise<void>;
}

export type StorageFactory = () => StorageFixture | Promise<StorageFixture>;

/** Freezes a batch all the way down, so any mutation throws (modules run in strict mode). */
export function deepFreeze(metrics: Metric[]): readonly Metric[] {
  for (const m of metrics) Object.freeze(Object.freeze(m).labels);
  return Object.freeze(metrics);
}

function smallBatch(round: number): Metric[] {
  return [
    metric("task_up", 1, { host: "h", task_id: `t${round}` }),
    metric("custom_metric", round, { cpu: "10" }, { help: "no catalog entry", type: "gauge" }),
    metric("custom_metric", round + 0.5, { cpu: "2" }),
    metric("wca_tasks", round, { host: "h" }, { timestamp: 1_700_000_000_000 + round }),
  ];
}

async function withStorage(
  factory: StorageFactory,
  body: (storage: Storage) => Promise<void>,
): Promise<void> {
  const fixture = await factory();
  try {
    await body(fixture.storage);
  } finally {
    try {
      await fixture.storage.close?.();
    } finally {
      await fixture.dispose?.();
    }
  }
}

export function storageContract(name: string, factory: StorageFactory): void {
  Deno.test(`${name}: contract: accepts an empty batch`, () =>
    withStorage(factory, async (storage) => {
      await storage.store(Object.freeze([]));
    }));

  Deno.test(`${name}: contract: does not mutate its input`, () =>
    withStorage(factory, async (storage) => {
      const batch = [...smallBatch(1), ...realisticBatch({ tasks: 2, cpus: 3 })];
      const snapshot = structuredClone(batch);
      await storage.store(deepFreeze(batch));
      assert.deepEqual(batch, snapshot);
    }));

  Deno.test(`${name}: contract: store after store works`, () =>
    withStorage(factory, async (storage) => {
      for (let round = 0; round < 3; round++) await storage.store(deepFreeze(smallBatch(round)));
      await storage.store(deepFreeze(realisticBatch()));
      await storage.store([]);
      await storage.store(deepFreeze(smallBatch(9)));
    }));

  Deno.test(`${name}: contract: close is idempotent`, async () => {
    const fixture = await factory();
    try {
      await fixture.storage.store(deepFreeze(smallBatch(0)));
      await fixture.storage.close?.();
      await fixture.storage.close?.();
    } finally {
      await fixture.dispose?.();
    }
  });

  Deno.test(`${name}: contract: implements the Storage interface structurally`, () =>
    withStorage(factory, (storage) => {
      assert.equal(typeof storage.store, "function");
      assert.ok(storage.close === undefined || typeof storage.close === "function");
      return Promise.resolve();
    }));
}
