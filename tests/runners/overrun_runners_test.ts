/**
 * Each runner's overruns are one warning per streak naming the slow step, and one line with the count
 * when the interval holds again: a MeasurementRunner whose storage is slow, and a DetectionRunner and
 * an AllocationRunner whose plugin hangs under the default time limit (the interval). Real runners run
 * by run(signal) over a fixture host; the plugin or storage is made slow, then fast.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { Storage } from "../../src/components/interfaces.ts";
import type { Metric } from "../../src/metrics/metric.ts";
import { StaticNode } from "../../src/nodes/static_node.ts";
import { hostPathsUnder } from "../../src/platform/host_paths.ts";
import { AllocationRunner } from "../../src/runners/allocation/runner.ts";
import { DetectionRunner } from "../../src/runners/detection/runner.ts";
import { MeasurementRunner } from "../../src/runners/measurement/runner.ts";
import { captureLogLines } from "../helpers/log_capture.ts";
import { MemoryStorage } from "../helpers/memory_storage.ts";

const HOSTS = fileURLToPath(new URL("../fixtures/hosts/", import.meta.url));
const context = { hostPaths: hostPathsUnder(`${HOSTS}v1_split`) };
const INTERVAL = 0.2;
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Slow (the plugin or storage takes `slowMs`, or never answers) while `slow` is true. */
class Switch {
  slow = true;
  wait(slowMs: number): Promise<void> {
    return this.slow ? (slowMs === Infinity ? new Promise(() => {}) : delay(slowMs)) : Promise.resolve();
  }
}

/** Runs `runner` slow for `slowMs`, then fast for as long again; returns the log lines. */
async function overrunThenRecover(runner: { run(signal: AbortSignal): Promise<number> }, toggle: Switch) {
  const controller = new AbortController();
  const { lines } = await captureLogLines(async () => {
    const running = runner.run(controller.signal);
    await delay(2000);
    toggle.slow = false;
    await delay(1500);
    controller.abort();
    assert.equal(await running, 0);
  });
  return lines;
}

function assertOneStreak(lines: string[], runner: string, step: string): void {
  const overruns = lines.filter((l) => l.includes("took longer than the"));
  assert.equal(overruns.length, 1, lines.join("\n"));
  assert.match(overruns[0]!, / WARNING /);
  assert.match(overruns[0]!, new RegExp(`interval, most of it in step '${step}'`));
  const recovered = lines.filter((l) => l.includes(`${runner}'s ${INTERVAL} s interval works again`));
  assert.equal(recovered.length, 1, lines.join("\n"));
  const failed = Number(/and (\d+) failed attempt/.exec(recovered[0]!)![1]);
  assert.ok(failed >= 3, `a streak of several overruns counted: ${failed}`);
}

const node = () => new StaticNode(StaticNode.schema.parse({ tasks: [] }), context);

Deno.test("MeasurementRunner: a storage that takes twice the interval is one warning naming 'store', and one recovery line", async () => {
  const toggle = new Switch();
  const storage: Storage = {
    store: async (_metrics: readonly Metric[]) => await toggle.wait(INTERVAL * 2000),
  };
  const runner = new MeasurementRunner(
    MeasurementRunner.schema.parse({ node: node(), metrics_storage: storage, interval: INTERVAL }),
    context,
  );
  assertOneStreak(await overrunThenRecover(runner, toggle), "MeasurementRunner", "store");
});

Deno.test("DetectionRunner: a detector that hangs under the default time limit is one warning naming 'detect'", async () => {
  const toggle = new Switch();
  class HangingDetector {
    async detect() {
      await toggle.wait(Infinity);
      return { anomalies: [] };
    }
  }
  const runner = new DetectionRunner(
    DetectionRunner.schema.parse({
      node: node(),
      interval: INTERVAL,
      metrics_storage: new MemoryStorage(),
      anomalies_storage: new MemoryStorage(),
      detector: new HangingDetector(),
    }),
    context,
  );
  const lines = await overrunThenRecover(runner, toggle);
  assertOneStreak(lines, "DetectionRunner", "detect");
  assert.equal(
    lines.filter((l) => / ERROR .*did not answer within 0.2 s/.test(l)).length,
    1,
    lines.join("\n"),
  );
});

Deno.test("AllocationRunner: an allocator that hangs under the default time limit is one warning naming 'allocate'", async () => {
  const toggle = new Switch();
  class HangingAllocator {
    async allocate() {
      await toggle.wait(Infinity);
      return { allocations: new Map() };
    }
  }
  const runner = new AllocationRunner(
    AllocationRunner.schema.parse({
      node: node(),
      interval: INTERVAL,
      metrics_storage: new MemoryStorage(),
      allocations_storage: new MemoryStorage(),
      anomalies_storage: new MemoryStorage(),
      allocator: new HangingAllocator(),
    }),
    context,
  );
  const lines = await overrunThenRecover(runner, toggle);
  assertOneStreak(lines, "AllocationRunner", "allocate");
  assert.equal(
    lines.filter((l) => / ERROR .*did not answer within 0.2 s/.test(l)).length,
    1,
    lines.join("\n"),
  );
});
