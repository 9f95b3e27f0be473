/**
 * The loop DetectionRunner and AllocationRunner share: start the MeasurementRunner, then every interval
 * measure, let the runner decide (detect, or allocate and apply), and store the measurements with the
 * agent's own metrics. Plugin calls go through `call`: a time limit and a shape check, so a plugin's
 * failure is one clear error for that iteration.
 */
import type { Anomaly } from "../components/decisions.ts";
import type { Storage } from "../components/interfaces.ts";
import type { TasksData } from "../components/snapshot.ts";
import { anomalyMetrics, type AnomalyStatistics } from "../detectors/anomaly_metrics.ts";
import { DEFAULT_REPLY_LIMIT_PER_TASK, PluginResultError } from "../detectors/check_result.ts";
import { integer } from "../config/schema.ts";
import type { Logger } from "../logging/mod.ts";
import type { Metric } from "../metrics/metric.ts";
import { runLoop } from "./loop.ts";
import { OverrunReport } from "./overrun.ts";
import { encodeMeasured, type Measured } from "./measurement/measured.ts";
import type { MeasurementRunner } from "./measurement/runner.ts";
import { callPlugin, type PluginOutcome } from "./plugin_call.ts";

/** Both deciding runners' bound on a plugin's reply (see replyLimit). */
export const replyLimitParam = integer(1, 1_000_000).default(DEFAULT_REPLY_LIMIT_PER_TASK).describe(
  "Allocations or anomalies per task a plugin's reply may hold (and 10 times as many metrics); a larger " +
    "reply is refused whole, unread, that iteration.",
);

/** The runner deciding in each step, for the overrun report's recovery line. */
const RUNNER_OF_STEP: Readonly<Record<string, string>> = {
  detect: "DetectionRunner",
  allocate: "AllocationRunner",
};

export type Decide = (measured: Measured, labels: Record<string, string>) => Promise<void>;

export class DecisionLoop {
  readonly #runner: MeasurementRunner;
  readonly #log: Logger;
  readonly #step: string;

  /** `step` names the decision in wca_duration_seconds{function} ("detect", "allocate"). */
  constructor(runner: MeasurementRunner, log: Logger, step: string) {
    this.#runner = runner;
    this.#log = log;
    this.#step = step;
  }

  /**
   * Runs until `signal` aborts: `start` (the MeasurementRunner's start and whatever the deciding runner
   * needs; a throw is logged and exits 1), then one iteration per interval. The caller closes.
   */
  async run(
    signal: AbortSignal,
    start: () => Promise<Awaited<ReturnType<MeasurementRunner["start"]>>>,
    decide: Decide,
  ): Promise<number> {
    const runner = this.#runner;
    let facts;
    try {
      facts = await start();
    } catch (error) {
      this.#log.error((error as Error).message);
      return 1;
    }
    const labels = runner.commonLabels();
    this.#log.info(
      `${this.#step} every ${runner.interval}s: ${facts.topology.cpus} CPUs, cgroup ${facts.layout.mode}`,
    );
    const overrun = new OverrunReport(this.#log, RUNNER_OF_STEP[this.#step] ?? this.#step, runner.interval);
    await runLoop({
      interval: runner.interval,
      signal,
      iteration: async () => {
        await this.iterate(facts, labels, decide);
      },
      onOverrun: (skipped) => overrun.overran(skipped, runner.stepDurations()),
      onInTime: () => overrun.inTime(),
    });
    return 0;
  }

  /** One iteration: measure, decide, store. Exposed for tests. */
  async iterate(
    facts: Awaited<ReturnType<MeasurementRunner["start"]>>,
    labels: Record<string, string>,
    decide: Decide,
  ): Promise<Measured> {
    const runner = this.#runner;
    const measured = await runner.measure(facts, labels);
    const metrics = encodeMeasured(measured);
    const t0 = performance.now();
    try {
      await decide(measured, labels);
    } catch (error) {
      // decide() handles plugin failures itself; this is a bug of ours, still not worth the agent.
      this.#log.error(`${this.#step} failed: ${(error as Error).message}`);
    }
    runner.recordDuration(this.#step, (performance.now() - t0) / 1000);
    await runner.store(metrics, facts, labels, measured.taskCount);
    return measured;
  }

  /** Calls a plugin under `limit` seconds and checks the shape of its answer with `check`. */
  static async call<T>(
    what: string,
    call: () => unknown,
    check: (value: unknown) => T,
    limit: number,
  ): Promise<PluginOutcome<T>> {
    const outcome = await callPlugin(what, call, limit);
    if (!outcome.ok) return outcome;
    try {
      return { ok: true, value: check(outcome.value), seconds: outcome.seconds };
    } catch (error) {
      // The check names the call and the path of what was wrong: "X.detect() anomalies[0].resource: …";
      // its message may vary with the reply (counts), its kind does not.
      const kind = error instanceof PluginResultError ? error.kind : "wrong shape";
      return { ok: false, reason: (error as Error).message, seconds: outcome.seconds, kind };
    }
  }
}

/**
 * What goes to anomalies_storage after a plugin answered (or failed: no anomalies): the `anomaly`
 * metrics, the plugin's own metrics with the common labels, and the anomaly statistics.
 */
export function anomaliesBatch(
  result: { readonly anomalies?: readonly Anomaly[]; readonly metrics?: readonly Metric[] },
  tasksData: TasksData,
  labels: Record<string, string>,
  statistics: AnomalyStatistics,
): Metric[] {
  const anomalies = result.anomalies ?? [];
  return [
    ...anomalyMetrics(anomalies, tasksData, labels),
    ...(result.metrics ?? []).map((m) => ({ ...m, labels: { ...labels, ...m.labels } })),
    ...statistics.update(anomalies, Date.now(), labels),
  ];
}

/** Stores a batch; a failing storage is logged and the iteration goes on. */
export async function storeBatch(
  storage: Storage,
  what: string,
  batch: Metric[],
  log: Logger,
): Promise<void> {
  try {
    await storage.store(batch);
  } catch (error) {
    log.error(`storing ${batch.length} ${what} metrics failed: ${(error as Error).message}`);
  }
}
