/**
 * The narrow plugin contracts. Checks are structural (duck-typed) on purpose: an external component
 * loaded with `-r` may import its own copy of our modules, so `instanceof` would lie.
 */
import type { Metric } from "../metrics/metric.ts";
import type { AllocationResult, DetectionResult } from "./decisions.ts";
import type { Platform, TasksData } from "./snapshot.ts";
import type { Task } from "./task.ts";

export type { Task } from "./task.ts";

export interface Runner {
  /** Runs until done or until `signal` aborts; returns the process exit code (default 0). */
  run(signal: AbortSignal): Promise<number | void> | number | void;
}

export interface Storage {
  /** Stores one batch; may throw. Metrics are never mutated. */
  store(metrics: readonly Metric[]): Promise<void> | void;
  /** Releases files, sockets and servers; called once on shutdown. */
  close?(): Promise<void> | void;
  /**
   * Metrics about the storage itself (e.g. wca_storage_write_errors_total), which the runner adds to the
   * next batch: a storage that cannot write still shows up in the others.
   */
  healthMetrics?(): readonly Metric[];
}

export interface Node {
  /** The tasks on this node now. A task that vanishes between calls is simply absent. */
  getTasks(): Promise<readonly Task[]> | readonly Task[];
  /** Releases clients and connections; called once on shutdown. */
  close?(): Promise<void> | void;
}

/** Finds interference from one iteration's picture of the node (DetectionRunner). */
export interface AnomalyDetector {
  detect(platform: Platform, tasksData: TasksData): DetectionResult | Promise<DetectionResult>;
}

/** Decides allocations from one iteration's picture; tasksData carries current allocations. */
export interface Allocator {
  allocate(platform: Platform, tasksData: TasksData): AllocationResult | Promise<AllocationResult>;
}

/** A named contract the config loader can check a nested component against. */
export interface ComponentInterface {
  readonly name: string;
  readonly methods: readonly string[];
}

export const RunnerInterface: ComponentInterface = Object.freeze({ name: "Runner", methods: ["run"] });
export const StorageInterface: ComponentInterface = Object.freeze({ name: "Storage", methods: ["store"] });
export const NodeInterface: ComponentInterface = Object.freeze({ name: "Node", methods: ["getTasks"] });
export const AnomalyDetectorInterface: ComponentInterface = Object.freeze({
  name: "AnomalyDetector",
  methods: ["detect"],
});
export const AllocatorInterface: ComponentInterface = Object.freeze({
  name: "Allocator",
  methods: ["allocate"],
});

export function implementsInterface(value: unknown, iface: ComponentInterface): boolean {
  if (value === null || typeof value !== "object") return false;
  const record = value as Record<string, unknown>;
  return iface.methods.every((method) => typeof record[method] === "function");
}

/** How an interface is described to a user: "a Storage component (one with store())". */
export function describeInterface(iface: ComponentInterface): string {
  return `a ${iface.name} component (one with ${iface.methods.map((m) => `${m}()`).join(", ")})`;
}
