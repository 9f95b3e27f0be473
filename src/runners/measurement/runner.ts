/**
 * MeasurementRunner: every `interval`, get the tasks, measure the platform and every task, and store
 * the metrics with the agent's own. A task that vanishes mid-iteration loses its metrics for that
 * iteration only; a failing node, reader or storage is logged and the loop goes on.
 */
import { DerivedLabels } from "../../metrics/derived_labels.ts";
import type { ComponentContext } from "../../components/component.ts";
import type { Node, Storage, Task } from "../../components/interfaces.ts";
import { getLogger, processHub } from "../../logging/mod.ts";
import type { Metric } from "../../metrics/metric.ts";
import { readCgroupLayout, readCgroupMeasurements } from "../../platform/cgroup/mod.ts";
import { readPageSize } from "../../platform/procfs/mod.ts";
import { readNodeTopology, readOnlineNodes } from "../../platform/sysfs/mod.ts";
import { readTopology } from "../../platform/topology.ts";
import { LogStorage } from "../../storages/log_storage.ts";
import { WCA_VERSION } from "../../version.ts";
import { runLoop } from "../loop.ts";
import { OverrunReport } from "../overrun.ts";
import { TaskFeed } from "./task_feed.ts";
import { internalMetrics } from "./internal.ts";
import { defaultLabelGenerators, TaskLabelCache, type TaskLabelGenerator } from "./labels.ts";
import type { HostFacts } from "../../sources/facts.ts";
import { platformMetrics, platformOptions, readPlatformSample } from "../../sources/platform.ts";
import { type MeasurementRunnerParams, measurementRunnerSchema, unsupportedSettings } from "./schema.ts";
import {
  type MeasurementSource,
  type MeasurementSourceFactory,
  StartupError,
} from "../../sources/contract.ts";
import { taskMetrics } from "../../sources/cgroup.ts";
import { KeptOpenFiles } from "../../sources/kept_open_files.ts";
import { buildPlatform, lazyMeasurements, rdtInformation } from "../../sources/snapshot.ts";
import { encodeMeasured, type Measured, type MeasuredTask, readResctrlInfoOrNothing } from "./measured.ts";

const log = getLogger("wca.runners.measurement");

/** Lines of kernel files we could not read are left out; they are worth a debug line, not a warning. */
const skipped = (message: string) => log.debug(message);

export class MeasurementRunner {
  static readonly schema = measurementRunnerSchema;
  static readonly description = "Measures tasks and the platform every interval and stores the metrics.";
  readonly #params: MeasurementRunnerParams;
  readonly #context: ComponentContext;
  readonly #storage: Storage;
  readonly #generators: Readonly<Record<string, TaskLabelGenerator>>;
  readonly #warnedSources = new Set<string>();
  readonly #taskLabels = new TaskLabelCache();
  /** Platform series keep their label objects between iterations, so their label text is made once. */
  readonly #platformLabels = new DerivedLabels();
  readonly #sourceFactories: readonly MeasurementSourceFactory<MeasurementRunnerParams>[];
  #sources: MeasurementSource[] = [];
  #facts: HostFacts | undefined;
  /** Kernel files kept open between iterations; undefined before start() or without libc. */
  #files: KeptOpenFiles | undefined;
  #lastDurations: Record<string, number> = {};
  #durations: Record<string, number> = {};
  #started = performance.now();
  #storageClosed = false;
  /** Asks the node without letting a slow answer hold the iteration up. */
  readonly #feed: TaskFeed;
  /** Seconds and count per step since start, for wca_duration_seconds_avg. */
  readonly #totals = new Map<string, { seconds: number; count: number }>();

  constructor(
    parameters: MeasurementRunnerParams,
    context: ComponentContext,
    sourceFactories: readonly MeasurementSourceFactory<MeasurementRunnerParams>[] = [],
  ) {
    this.#params = parameters;
    this.#context = context;
    this.#sourceFactories = sourceFactories;
    this.#storage = parameters.metrics_storage ?? new LogStorage({});
    this.#generators = parameters.task_label_generators ?? defaultLabelGenerators();
    this.#feed = new TaskFeed({ node: parameters.node, interval: parameters.interval, log });
    const unsupported = unsupportedSettings(parameters);
    if (unsupported.length) {
      log.warning(`not supported by this version yet, so ignored: ${unsupported.join(", ")}`);
    }
  }

  get node(): Node {
    return this.#params.node;
  }

  /** A started measurement source by name ("perf", "rdt", "uncore"), for runners that build on it. */
  source(name: string): MeasurementSource | undefined {
    return this.#sources.find((source) => source.name === name);
  }

  /** WCA's allocation settings given to this runner, for an AllocationRunner measuring with it. */
  get allocationConfiguration(): MeasurementRunnerParams["allocation_configuration"] {
    return this.#params.allocation_configuration;
  }

  /** Seconds between iteration starts. */
  get interval(): number {
    return this.#params.interval;
  }

  /** The labels every metric carries: host and extra_labels. */
  commonLabels(): Record<string, string> {
    return { host: Deno.hostname(), ...this.#params.extra_labels };
  }

  async run(signal: AbortSignal): Promise<number> {
    try {
      let facts: HostFacts;
      try {
        facts = await this.start();
      } catch (error) {
        log.error((error as Error).message);
        return 1;
      }
      const commonLabels = this.commonLabels();
      log.info(
        `measuring every ${this.#params.interval}s: ${facts.topology.cpus} CPUs, cgroup ${facts.layout.mode}`,
      );
      const overrun = new OverrunReport(log, "MeasurementRunner", this.#params.interval);
      await runLoop({
        interval: this.#params.interval,
        signal,
        iteration: async () => {
          await this.iterate(facts, commonLabels);
        },
        onOverrun: (skipped) => overrun.overran(skipped, this.stepDurations()),
        onInTime: () => overrun.inTime(),
      });
      return 0;
    } finally {
      // Whatever happened, files, sockets and servers are released.
      await this.close();
    }
  }

  /**
   * Reads the host facts and starts the measurement sources (perf, RDT…). Throws an Error whose message
   * is meant for the operator when the host cannot do what the configuration requires. run() calls it;
   * tests and benchmarks call it before iterate() and close() after.
   */
  async start(): Promise<HostFacts> {
    let facts: HostFacts;
    try {
      facts = this.#readHostFacts();
    } catch (error) {
      throw new Error(`cannot read this host's topology and cgroup mounts: ${(error as Error).message}`);
    }
    try {
      this.#files ??= new KeptOpenFiles(this.#context.hostPaths);
    } catch (error) {
      log.warning(`reading kernel files with open, read and close each time: ${(error as Error).message}`);
    }
    for (const factory of this.#sourceFactories) {
      try {
        const source = await factory(this.#params, this.#context, facts);
        if (source) this.#sources.push(source);
      } catch (error) {
        if (error instanceof StartupError) throw error;
        throw new Error(`cannot start measuring: ${(error as Error).message}`);
      }
    }
    return facts;
  }

  /**
   * Measures the node once: the tasks, the platform and every task, as a typed snapshot (for detectors
   * and allocators) with the samples it was built from (for storing). A task that vanished is absent.
   */
  async measure(facts: HostFacts, commonLabels: Record<string, string>): Promise<Measured> {
    this.#durations = {};
    this.#started = performance.now();
    const timed = this.#timer;
    const { tasks } = await timed("node", () => this.#feed.tasks());
    this.#files?.tasks.sync(tasks);
    for (const source of this.#sources) {
      await timed(source.name, async () => {
        try {
          await source.sync(tasks);
        } catch (error) {
          this.#warnSource(`${source.name} (start or stop measuring tasks)`, error);
        }
      });
    }
    // The frozen common labels, the same object every iteration (sources' platform series extend it).
    const base = this.#platformLabels.of(commonLabels);
    const platform = await timed("platform", () => {
      const sample = readPlatformSample(
        this.#context.hostPaths,
        facts.topology,
        facts.platform,
        {
          onError: (source, e) => this.#warnSource(source, e),
          onSkip: skipped,
          read: this.#files?.readPlatform,
        },
      );
      const samples = platformMetrics(sample, facts.platform, commonLabels, this.#platformLabels);
      for (const source of this.#sources) {
        try {
          for (const sample of source.platformMetrics(base)) samples.push(sample);
        } catch (error) {
          this.#warnSource(`${source.name} platform metrics`, error);
        }
      }
      const built = buildPlatform({
        topology: facts.topology,
        numaTopology: facts.numaTopology ?? new Map(),
        rdt: facts.rdt,
        sample,
        samples,
        base,
      });
      return { platform: built, samples };
    });
    const measuredTasks = await timed("tasks", () => {
      this.#taskLabels.retain(new Set(tasks.map((task) => task.task_id)));
      const out = new Map<string, MeasuredTask>();
      for (const task of tasks) {
        const measured = this.#measureTask(facts, task, commonLabels);
        if (measured) out.set(task.task_id, measured);
      }
      return out;
    });
    return {
      platform: platform.platform,
      platformSamples: platform.samples,
      tasks: measuredTasks,
      taskCount: tasks.length,
    };
  }

  /** One pass: measure, encode, add the agent's own metrics, store. Exposed for tests and benchmarks. */
  async iterate(facts: HostFacts, commonLabels: Record<string, string>): Promise<Metric[]> {
    const measured = await this.measure(facts, commonLabels);
    const metrics = encodeMeasured(measured);
    await this.store(metrics, facts, commonLabels, measured.taskCount);
    return metrics;
  }

  /** Seconds each step of the latest iteration took (node, platform, tasks, store, detect …). */
  stepDurations(): Readonly<Record<string, number>> {
    const { iteration: _whole, ...steps } = this.#durations;
    return steps;
  }

  /** Records a step of this iteration that another runner did (detect, allocate) for wca_duration_seconds. */
  recordDuration(step: string, seconds: number): void {
    this.#durations[step] = seconds;
  }

  /**
   * Adds the agent's own metrics (durations of this iteration's steps, averages, log counts) and the
   * storage's health to `metrics`, then stores them. Runners that add anomalies or allocations call it
   * with their extended batch.
   */
  async store(metrics: Metric[], facts: HostFacts, commonLabels: Record<string, string>, tasks: number) {
    const timed = this.#timer;
    const durations = this.#durations;
    durations.iteration ??= (performance.now() - this.#started) / 1000;
    // The storing step is timed too; its duration appears in the next iteration's metrics.
    const reported = { ...this.#lastDurations, ...durations };
    metrics.push(
      ...internalMetrics(
        { tasks, durations: reported, averages: this.#average(reported) },
        facts.topology,
        WCA_VERSION,
        processHub(),
        commonLabels,
      ),
    );
    for (const health of this.#storage.healthMetrics?.() ?? []) {
      metrics.push({ ...health, labels: { ...commonLabels, ...health.labels } });
    }
    await timed("store", async () => {
      try {
        await this.#storage.store(metrics);
      } catch (error) {
        log.error(`storing ${metrics.length} metrics failed: ${(error as Error).message}`);
      }
    });
    this.#lastDurations = { store: durations.store ?? 0 };
    const ms = (seconds = 0) => (seconds * 1000).toFixed(1);
    log.debug(
      `iteration: ${tasks} task${tasks === 1 ? "" : "s"}, ${metrics.length} metrics, measured in ${
        ms(durations.iteration)
      } ms, ` +
        `stored in ${ms(durations.store)} ms`,
    );
  }

  /** Runs `work` as step `step` of this iteration, recording its seconds for wca_duration_seconds. */
  readonly #timer = async <T>(step: string, work: () => T | Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      this.#durations[step] = (performance.now() - t0) / 1000;
    }
  };

  /** Adds this iteration's step durations to the totals and returns the mean of each step so far. */
  #average(durations: Readonly<Record<string, number>>): Record<string, number> {
    const averages: Record<string, number> = {};
    for (const [step, seconds] of Object.entries(durations)) {
      const total = this.#totals.get(step) ?? { seconds: 0, count: 0 };
      total.seconds += seconds;
      total.count += 1;
      this.#totals.set(step, total);
      averages[step] = total.seconds / total.count;
    }
    return averages;
  }

  /** Reads what does not change between iterations. */
  #readHostFacts(): HostFacts {
    const paths = this.#context.hostPaths;
    const nodes = this.#facts?.platform.numaNodes ?? readOnlineNodes(paths);
    this.#facts ??= {
      topology: readTopology(paths),
      layout: readCgroupLayout(paths),
      pageSize: readPageSize(paths),
      platform: platformOptions(this.#params, nodes),
      numaTopology: readNodeTopology(paths, nodes),
      rdt: rdtInformation(readResctrlInfoOrNothing(paths)),
    };
    return this.#facts;
  }

  /** Host facts for callers of iterate() (tests, benchmarks). */
  hostFacts(): HostFacts {
    return this.#readHostFacts();
  }

  #measureTask(facts: HostFacts, task: Task, common: Record<string, string>): MeasuredTask | undefined {
    let result;
    try {
      // Thread ids are not measured: no metric uses them (RDT and allocations list them on their own).
      const options = { pageSize: facts.pageSize, onSkip: skipped, pids: false };
      result = this.#files
        ? this.#files.tasks.read(facts.layout, task, options)
        : readCgroupMeasurements(facts.layout, task.cgroup_path, options);
    } catch (error) {
      this.#warnSource(`task ${task.task_id}`, error);
      return undefined;
    }
    if (result.kind === "gone") {
      log.debug(`task ${task.task_id}: cgroup ${result.path} is gone (${result.errno}); skipped`);
      return undefined;
    }
    // One frozen copy of the task's labels, shared by all its metrics, the sources' included, and kept
    // between iterations while it does not change (encoders reuse its text).
    const labels = this.#taskLabels.labels(task, common, this.#generators);
    const numaLabels = (node: number) => this.#taskLabels.numaLabels(task.task_id, labels, node);
    const samples = taskMetrics(task, result.measurements, labels, Date.now() / 1000, numaLabels);
    for (const source of this.#sources) {
      try {
        for (const sample of source.taskMetrics(task, labels, samples)) samples.push(sample);
      } catch (error) {
        this.#warnSource(`${source.name} for task ${task.task_id}`, error);
      }
    }
    const measurements = lazyMeasurements(samples, labels);
    return {
      task,
      labels,
      resources: task.resources,
      get measurements() {
        return measurements();
      },
      samples,
    };
  }

  #warnSource(source: string, error: unknown): void {
    const message = `cannot read ${source}: ${(error as Error).message}`;
    if (this.#warnedSources.has(source)) log.debug(message);
    else {
      this.#warnedSources.add(source);
      log.warning(`${message} (its metrics are left out; reported once)`);
    }
  }

  /**
   * Releases the sources and, unless the config's lifecycle closes it, the storage; run() calls it on
   * the way out, tests after start(). Safe to call twice.
   */
  async close(): Promise<void> {
    this.#files?.close();
    this.#files = undefined;
    const sources = this.#sources;
    this.#sources = [];
    for (const source of sources.reverse()) {
      try {
        await source.close();
      } catch (error) {
        log.warning(`closing ${source.name} failed: ${(error as Error).message}`);
      }
    }
    if (this.#storageClosed || this.#context.lifecycle?.owns(this.#storage)) return;
    this.#storageClosed = true;
    try {
      await this.#storage.close?.();
    } catch (error) {
      log.warning(`closing the storage failed: ${(error as Error).message}`);
    }
  }
}

export type { HostFacts } from "../../sources/facts.ts";
export { encodeMeasured, type Measured, type MeasuredTask } from "./measured.ts";
