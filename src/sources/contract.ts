/**
 * The measurement-source contract. Sources hold resources across iterations (perf fds, resctrl groups, uncore PMUs).
 * The runner builds them once at start-up, tells them the current tasks every iteration, asks each
 * for task and platform metrics, and closes them on shutdown whatever happened.
 */
import type { ComponentContext } from "../components/component.ts";
import type { Task } from "../components/interfaces.ts";
import type { Labels, Metric } from "../metrics/metric.ts";
import type { HostFacts } from "./facts.ts";

export interface MeasurementSource {
  /** Short name for logs and the wca_duration_seconds step label ("perf", "rdt", "uncore"). */
  readonly name: string;
  /** Once per iteration, before measuring: start on new tasks, release what vanished tasks held. */
  sync(tasks: readonly Task[]): void | Promise<void>;
  /**
   * One task's metrics for this iteration; `labels` are the task's labels. [] when there is none (yet).
   * `measured` holds what the cgroup readings and the sources before this one gave for the task.
   */
  taskMetrics(task: Task, labels: Labels, measured: readonly Metric[]): Metric[];
  /** Platform-wide metrics of this source; `labels` are the common labels (host, extra_labels). */
  platformMetrics(labels: Labels): Metric[];
  /** Releases everything the source holds. Called once, at shutdown or after a failed start. */
  close(): void | Promise<void>;
}

/**
 * A refusal to start: the configuration asks for something this host cannot do (rdt_enabled: true
 * without resctrl, more perf events than counters…). The runner logs the message and exits 1.
 */
export class StartupError extends Error {
  override readonly name = "StartupError";
}

/**
 * Builds a source from the runner's parameters, or returns undefined when the feature is off (or
 * absent in "auto" mode). Throws StartupError with a clear message when a required feature is missing.
 * `P` is the fragment of the runner's parameters the source owns and reads (its schema lives beside it).
 */
export type MeasurementSourceFactory<P = never> = (
  params: P,
  context: ComponentContext,
  facts: HostFacts,
) => MeasurementSource | undefined | Promise<MeasurementSource | undefined>;
