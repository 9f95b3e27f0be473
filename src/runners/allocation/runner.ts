/**
 * AllocationRunner: every interval, measure, read each task's current allocations back from the system,
 * hand the snapshot to an allocator, validate its answer and apply only what changed (or, with dry_run,
 * only report it). Measurements go to metrics_storage, allocations (WCA's allocation_* metrics with
 * allocations_count, allocations_errors and allocation_duration) to allocations_storage, the allocator's
 * anomalies and metrics to anomalies_storage. A plugin failure, a reply over reply_limit_per_task or an
 * invalid allocation costs that iteration's allocations only, and the iteration counts once in
 * allocations_errors.
 */
import { Libc } from "../../../ffi/mod.ts";
import { AllocationConfiguration } from "../../allocations/configuration.ts";
import {
  allocate,
  allocationMetrics,
  countAllocations,
  heldAfter,
  readTaskAllocations,
} from "../../allocations/mod.ts";
import { checkAllocationResult } from "../../allocators/check_result.ts";
import { replyLimit } from "../../detectors/check_result.ts";
import type { ComponentContext } from "../../components/component.ts";
import type { TaskAllocations } from "../../components/decisions.ts";
import {
  type Allocator,
  AllocatorInterface,
  type Storage,
  StorageInterface,
} from "../../components/interfaces.ts";
import type { TaskData, TasksData } from "../../components/snapshot.ts";
import { boolean, component, number, params, type z } from "../../config/schema.ts";
import { AnomalyStatistics } from "../../detectors/anomaly_metrics.ts";
import { FailureStreak, getLogger, OnceLog } from "../../logging/mod.ts";
import { problemList } from "../../logging/problem_list.ts";
import type { Metric } from "../../metrics/metric.ts";
import type { MeasurementSourceFactory } from "../../sources/contract.ts";
import { RdtSource } from "../../sources/rdt.ts";
import { LogStorage } from "../../storages/log_storage.ts";
import {
  flatMeasurementParams,
  measurementChoice,
  MeasurementRunnerConfig,
  oneMeasurementShape,
  type ResolvedMeasurement,
  resolveMeasurementRunner,
} from "../composed.ts";
import { anomaliesBatch, DecisionLoop, replyLimitParam, storeBatch } from "../decision_loop.ts";
import type { Measured } from "../measurement/measured.ts";
import type { MeasurementRunner } from "../measurement/runner.ts";
import type { HostFacts } from "../../sources/facts.ts";
import type { MeasurementRunnerParams } from "../measurement/schema.ts";
import { AllocationStatisticsCounter, type RdtAllocation, startRdtAllocation } from "./rdt.ts";

const log = getLogger("wca.runners.allocation");

const schema = params({
  ...flatMeasurementParams,
  ...measurementChoice,
  allocator: component<Allocator>(AllocatorInterface).describe(
    "The allocator: a component with allocate(platform, tasksData).",
  ),
  allocations_storage: component<Storage>(StorageInterface).optional().describe(
    "Where allocation metrics go; default: !LogStorage on standard error.",
  ),
  anomalies_storage: component<Storage>(StorageInterface).optional().describe(
    "Where the allocator's anomalies and metrics go; default: !LogStorage on standard error.",
  ),
  rdt_mb_control_required: boolean().default(false).describe(
    "Refuse to start (exit 1) without RDT memory bandwidth allocation.",
  ),
  rdt_cache_control_required: boolean().default(false).describe(
    "Refuse to start (exit 1) without RDT cache allocation.",
  ),
  remove_all_resctrl_groups: boolean().default(false).describe(
    "Remove every resctrl control group at start (a clean slate for the allocator).",
  ),
  dry_run: boolean().default(false).describe(
    "Validate and report what would be applied (allocation_* metrics, logs) but write nothing.",
  ),
  time_limit: number(0.001, 3600).optional().describe(
    "Seconds an allocate() call may take before that iteration's allocations are given up; default: the interval.",
  ),
  reply_limit_per_task: replyLimitParam,
}).superRefine(oneMeasurementShape);

export type AllocationRunnerParams = z.infer<typeof schema>;

export class AllocationRunner {
  static readonly schema = schema;
  static readonly description = "Measures, asks an allocator, validates and applies its allocations.";
  readonly #params: AllocationRunnerParams;
  readonly #context: ComponentContext;
  readonly #measurement: ResolvedMeasurement;
  readonly #configuration: AllocationConfiguration;
  readonly #storages: { allocations: Storage; anomalies: Storage; made: Storage[] };
  readonly #anomalyStatistics = new AnomalyStatistics();
  readonly #statistics = new AllocationStatisticsCounter();
  #rdt: RdtAllocation | undefined;
  #libc: Libc | undefined;
  #closed = false;
  /** Repeated allocate() failures and refused allocations are logged once per reason. */
  #allocateFailures: FailureStreak | undefined;
  #refusals: FailureStreak | undefined;
  /** Values the kernel cannot hold as asked (a quota under 1000 µs per second) are logged once per task. */
  readonly #clamps = new OnceLog(log);
  readonly #loop: DecisionLoop;

  constructor(
    parameters: AllocationRunnerParams,
    context: ComponentContext,
    sources: readonly MeasurementSourceFactory<MeasurementRunnerParams>[] = [],
  ) {
    this.#params = parameters;
    this.#context = context;
    this.#measurement = resolveMeasurementRunner(parameters, context, sources);
    this.#loop = new DecisionLoop(this.#measurement.runner, log, "allocate");
    const fromConfig = parameters.config instanceof MeasurementRunnerConfig
      ? parameters.config.parameters.allocation_configuration as AllocationConfiguration | undefined
      : undefined;
    const flat =
      (parameters as { allocation_configuration?: AllocationConfiguration }).allocation_configuration;
    const composed = this.#measurement.owned ? undefined : this.#measurement.runner.allocationConfiguration;
    this.#configuration = flat ?? fromConfig ?? composed ??
      new AllocationConfiguration({});
    const made: Storage[] = [];
    const orDefault = (storage: Storage | undefined) => {
      if (storage) return storage;
      const created = new LogStorage({});
      made.push(created);
      return created;
    };
    this.#storages = {
      allocations: orDefault(parameters.allocations_storage),
      anomalies: orDefault(parameters.anomalies_storage),
      made,
    };
  }

  get measurementRunner() {
    return this.#measurement.runner;
  }

  async run(signal: AbortSignal): Promise<number> {
    try {
      return await this.#loop.run(
        signal,
        () => this.start(),
        (measured, labels) => this.decide(measured, labels),
      );
    } finally {
      await this.close();
    }
  }

  /** One iteration (measure, allocate, store), for tests after start(). */
  iterate(facts: HostFacts, labels: Record<string, string>): Promise<Measured> {
    return this.#loop.iterate(facts, labels, (measured, l) => this.decide(measured, l));
  }

  /** Starts the MeasurementRunner, then RDT control (required or not) and the libc for migrate_pages. */
  async start(): Promise<HostFacts> {
    const runner = this.#measurement.runner;
    const facts = await runner.start();
    this.#rdt = startRdtAllocation({
      hostPaths: this.#context.hostPaths,
      measurementOwner: rdtSourceOf(runner)?.owner,
      cacheRequired: this.#params.rdt_cache_control_required,
      mbRequired: this.#params.rdt_mb_control_required,
      removeAllGroups: this.#params.remove_all_resctrl_groups,
      defaults: { l3: this.#configuration.default_rdt_l3, mb: this.#configuration.default_rdt_mb },
      dryRun: this.#params.dry_run,
      log,
    });
    this.#libc = new Libc();
    return facts;
  }

  /** The allocator's part of one iteration (exposed for tests: call start() after the MeasurementRunner's). */
  async decide(measured: Measured, labels: Record<string, string>): Promise<void> {
    const facts = this.#measurement.runner.hostFacts();
    const owner = this.#rdt?.owner;
    const byThread = owner?.controlGroupsByThread();
    const tasksData = new Map<string, TaskData>();
    for (const [id, data] of measured.tasks) {
      const allocations = readTaskAllocations(facts.layout, data.task, this.#configuration, {
        cpus: measured.platform.cpus,
        ...(owner ? { rdt: owner } : {}),
        ...(byThread ? { byThread } : {}),
      });
      tasksData.set(id, allocations === undefined ? data : { ...data, allocations });
    }
    const limit = this.#params.time_limit ?? this.#measurement.runner.interval;
    const t0 = performance.now();
    const who = `${this.#params.allocator.constructor.name}.allocate()`;
    const outcome = await DecisionLoop.call(
      who,
      () => this.#params.allocator.allocate(measured.platform, tasksData),
      (value) =>
        checkAllocationResult(value, who, replyLimit(this.#params.reply_limit_per_task, tasksData.size)),
      limit,
    );
    let applied = new Map<string, TaskAllocations>();
    this.#allocateFailures ??= new FailureStreak(log, who);
    // allocations_errors counts iterations that went wrong, whatever the number of problems in each.
    if (!outcome.ok) {
      this.#allocateFailures.fail(`${outcome.reason}; no allocations this iteration`, outcome.kind);
      this.#statistics.errors(1);
    } else {
      this.#allocateFailures.succeed();
      const result = allocate({
        platform: measured.platform,
        tasksData,
        desired: outcome.value.allocations,
        layout: facts.layout,
        config: this.#configuration,
        ...(owner ? { rdt: owner } : {}),
        migratePages: (pid, from, to) => this.#libc!.migratePages(pid, from, to),
        dryRun: this.#params.dry_run,
      });
      this.#refusals ??= new FailureStreak(log, `applying ${who}'s allocations`);
      if (result.errors.length === 0) this.#refusals.succeed();
      else {
        this.#statistics.errors(1);
        this.#refusals.fail(
          result.valid
            ? `${who}'s allocations: writes refused, ${
              problemList(result.errors)
            }; the other changes were applied`
            : `${who}'s allocations refused, ${problemList(result.errors)}; nothing applied this iteration`,
          result.valid ? "writes refused" : "invalid",
        );
      }
      if (result.valid) {
        applied = new Map(result.applied);
        const count = countAllocations(result.applied.values());
        this.#statistics.count(count);
        if (result.changes.size > 0) {
          const verb = result.dryRun ? "would apply (dry_run)" : "applied";
          log.debug(`${verb} ${count} allocation(s) to ${result.applied.size} task(s)`);
        }
        for (const write of result.writes) {
          if (write.clamped !== undefined) {
            this.#clamps.warn(write.task_id, `task ${write.task_id}: ${write.clamped}`);
          } else if (write.allocation === "cpu_quota" && write.note === undefined) {
            this.#clamps.clear(write.task_id);
          }
        }
      }
    }
    this.#clamps.retain(new Set(tasksData.keys()));
    const seconds = (performance.now() - t0) / 1000;
    await this.#storeAllocations(tasksData, applied, { labels, seconds, cpus: measured.platform.cpus });
    const result = outcome.ok ? outcome.value : { allocations: new Map(), anomalies: [], metrics: [] };
    await storeBatch(
      this.#storages.anomalies,
      "anomaly",
      anomaliesBatch(result, tasksData, labels, this.#anomalyStatistics),
      log,
    );
  }

  async #storeAllocations(
    tasksData: TasksData,
    applied: ReadonlyMap<string, TaskAllocations>,
    { labels, seconds, cpus }: { labels: Record<string, string>; seconds: number; cpus: number },
  ): Promise<void> {
    const batch: Metric[] = [];
    const { layout } = this.#measurement.runner.hostFacts();
    const owner = this.#rdt?.owner;
    const byThread = owner?.controlGroupsByThread();
    for (const [id, data] of tasksData) {
      const after = heldAfter(layout, data.task, this.#configuration, {
        cpus,
        ...(owner ? { rdt: owner } : {}),
        ...(byThread ? { byThread } : {}),
        ...(applied.has(id) ? { applied: applied.get(id)! } : {}),
        dryRun: this.#params.dry_run,
      });
      if (after !== undefined) {
        batch.push(...allocationMetrics(after.allocations, data.labels, after.cpuPeriodUs));
      }
    }
    batch.push(...this.#statistics.metrics(labels, seconds));
    await storeBatch(this.#storages.allocations, "allocation", batch, log);
  }

  /** Closes what this runner made: its MeasurementRunner (flat and config shapes), default storages, RDT. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#measurement.owned || !this.#context.lifecycle) await this.#measurement.runner.close();
    this.#rdt?.close();
    this.#libc?.unload();
    for (const storage of [this.#storages.allocations, this.#storages.anomalies]) {
      if (this.#storages.made.includes(storage) || !this.#context.lifecycle?.owns(storage)) {
        await storage.close?.();
      }
    }
  }
}

/** The RDT measurement source, when MeasurementRunner started one: it owns the tasks' resctrl groups. */
function rdtSourceOf(runner: MeasurementRunner): RdtSource | undefined {
  const source = runner.source("rdt");
  return source instanceof RdtSource ? source : undefined;
}
