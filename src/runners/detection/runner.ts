/**
 * DetectionRunner: every interval, measure through a MeasurementRunner, hand the snapshot to a detector,
 * and store the measurements in metrics_storage and the anomalies (WCA's `anomaly` metrics with
 * `anomaly_count` and `anomaly_last_occurrence`) plus the detector's own metrics in anomalies_storage.
 * A detector that throws, answers wrongly or too late costs that iteration's anomalies only.
 */
import type { ComponentContext } from "../../components/component.ts";
import {
  type AnomalyDetector,
  AnomalyDetectorInterface,
  type Storage,
  StorageInterface,
} from "../../components/interfaces.ts";
import type { DetectionResult } from "../../components/decisions.ts";
import { component, number, params, type z } from "../../config/schema.ts";
import { AnomalyStatistics } from "../../detectors/anomaly_metrics.ts";
import { checkDetectionResult, replyLimit } from "../../detectors/check_result.ts";
import { FailureStreak, getLogger } from "../../logging/mod.ts";
import type { MeasurementSourceFactory } from "../../sources/contract.ts";
import { LogStorage } from "../../storages/log_storage.ts";
import {
  flatMeasurementParams,
  measurementChoice,
  oneMeasurementShape,
  type ResolvedMeasurement,
  resolveMeasurementRunner,
} from "../composed.ts";
import { anomaliesBatch, DecisionLoop, replyLimitParam, storeBatch } from "../decision_loop.ts";
import type { Measured } from "../measurement/measured.ts";
import type { MeasurementRunner } from "../measurement/runner.ts";
import type { HostFacts } from "../../sources/facts.ts";
import type { MeasurementRunnerParams } from "../measurement/schema.ts";

const log = getLogger("wca.runners.detection");

const schema = params({
  ...flatMeasurementParams,
  ...measurementChoice,
  detector: component<AnomalyDetector>(AnomalyDetectorInterface).describe(
    "The detector: a component with detect(platform, tasksData).",
  ),
  anomalies_storage: component<Storage>(StorageInterface).optional().describe(
    "Where anomalies and the detector's metrics go; default: !LogStorage on standard error.",
  ),
  time_limit: number(0.001, 3600).optional().describe(
    "Seconds a detect() call may take before that iteration's anomalies are given up; default: the interval.",
  ),
  reply_limit_per_task: replyLimitParam,
}).superRefine(oneMeasurementShape);

export type DetectionRunnerParams = z.infer<typeof schema>;

export class DetectionRunner {
  static readonly schema = schema;
  static readonly description = "Measures, calls a detector with the snapshot, and stores anomalies.";
  readonly #params: DetectionRunnerParams;
  readonly #measurement: ResolvedMeasurement;
  readonly #anomaliesStorage: Storage;
  readonly #ownsAnomaliesStorage: boolean;
  readonly #statistics = new AnomalyStatistics();
  readonly #context: ComponentContext;
  #closed = false;
  /** Repeated detect() failures are logged once per reason (see FailureStreak). */
  #detectFailures: FailureStreak | undefined;
  readonly #loop: DecisionLoop;

  constructor(
    parameters: DetectionRunnerParams,
    context: ComponentContext,
    sources: readonly MeasurementSourceFactory<MeasurementRunnerParams>[] = [],
  ) {
    this.#params = parameters;
    this.#context = context;
    this.#measurement = resolveMeasurementRunner(parameters, context, sources);
    this.#loop = new DecisionLoop(this.#measurement.runner, log, "detect");
    this.#ownsAnomaliesStorage = parameters.anomalies_storage === undefined;
    this.#anomaliesStorage = parameters.anomalies_storage ?? new LogStorage({});
  }

  async run(signal: AbortSignal): Promise<number> {
    try {
      return await this.#loop.run(
        signal,
        () => this.start(),
        (measured, labels) => this.#decide(measured, labels),
      );
    } finally {
      await this.close();
    }
  }

  /** Starts the MeasurementRunner (its sources); run() calls it, tests before iterate(). */
  start(): Promise<HostFacts> {
    return this.#measurement.runner.start();
  }

  /** One iteration (measure, detect, store), for tests after start(). */
  iterate(facts: HostFacts, labels: Record<string, string>): Promise<Measured> {
    return this.#loop.iterate(facts, labels, (measured, l) => this.#decide(measured, l));
  }

  /** The detector's part of one iteration: detect, then store anomalies and the detector's metrics. */
  async #decide(measured: Measured, labels: Record<string, string>): Promise<void> {
    const limit = this.#params.time_limit ?? this.#measurement.runner.interval;
    const who = `${this.#params.detector.constructor.name}.detect()`;
    const outcome = await DecisionLoop.call(
      who,
      () => this.#params.detector.detect(measured.platform, measured.tasks),
      (value) =>
        checkDetectionResult(value, who, replyLimit(this.#params.reply_limit_per_task, measured.tasks.size)),
      limit,
    );
    const result: DetectionResult = outcome.ok ? outcome.value : { anomalies: [] };
    this.#detectFailures ??= new FailureStreak(log, who);
    if (outcome.ok) this.#detectFailures.succeed();
    else this.#detectFailures.fail(`${outcome.reason}; no anomalies this iteration`, outcome.kind);
    const batch = anomaliesBatch(result, measured.tasks, labels, this.#statistics);
    await storeBatch(this.#anomaliesStorage, "anomaly", batch, log);
  }

  /** Closes what this runner made: the MeasurementRunner of the flat and config shapes, default storages. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#measurement.owned || !this.#context.lifecycle) await this.#measurement.runner.close();
    if (this.#ownsAnomaliesStorage || !this.#context.lifecycle?.owns(this.#anomaliesStorage)) {
      await this.#anomaliesStorage.close?.();
    }
  }

  get measurementRunner(): MeasurementRunner {
    return this.#measurement.runner;
  }
}
