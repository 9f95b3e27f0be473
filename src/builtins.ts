/**
 * The composition root: the one explicit list of built-in components and of the measurement sources
 * MeasurementRunner starts. Only the entry point imports this file; plugins import src/mod.ts. The key
 * of a component is its YAML tag (`!LogStorage`): keys, not class names, because bundlers rename classes.
 */
import { AllocationConfiguration } from "./allocations/configuration.ts";
import { SSL } from "./components/ssl.ts";
import type { ComponentClass, ComponentContext } from "./components/component.ts";
import { NOPAllocator, NUMAAllocator, StaticAllocator } from "./allocators/mod.ts";
import { NOPAnomalyDetector } from "./detectors/mod.ts";
import { CgroupNode, KubernetesNode, MesosNode, StaticNode } from "./nodes/mod.ts";
import { AllocationRunnerConfig, MeasurementRunnerConfig } from "./runners/composed.ts";
import { DetectionRunner, type DetectionRunnerParams } from "./runners/detection/runner.ts";
import { AllocationRunner, type AllocationRunnerParams } from "./runners/allocation/runner.ts";
import { createPerfSource } from "./perf/factory.ts";
import { uncoreSourceFactory } from "./perf/uncore/factory.ts";
import { MeasurementRunner, TaskLabelRegexGenerator } from "./runners/measurement/mod.ts";
import type { MeasurementRunnerParams } from "./runners/measurement/schema.ts";
import type { MeasurementSourceFactory } from "./sources/contract.ts";
import { memoryTopologySourceFactory } from "./sources/memory_topology.ts";
import { rdtSourceFactory } from "./sources/rdt.ts";
import { schedSourceFactory } from "./sources/sched.ts";
import { wssSourceFactory } from "./sources/wss.ts";
import { FilterStorage, HTTPMetricsStorage, LogStorage } from "./storages/mod.ts";
import { KafkaStorage } from "./storages/kafka/mod.ts";

/** The sources MeasurementRunner starts, in order: perf counters, RDT, uncore PMUs, memory
 * modules, sched, wss. */
export const MEASUREMENT_SOURCES: readonly MeasurementSourceFactory<MeasurementRunnerParams>[] = Object
  .freeze([
    createPerfSource,
    rdtSourceFactory(),
    uncoreSourceFactory,
    memoryTopologySourceFactory,
    schedSourceFactory,
    // After RDT: its task_mem_bandwidth_bytes decides when a working set is stable.
    wssSourceFactory,
  ]);

/** MeasurementRunner as the config constructs it: with the built-in measurement sources. */
class MeasurementRunnerWithSources extends MeasurementRunner {
  constructor(parameters: MeasurementRunnerParams, context: ComponentContext) {
    super(parameters, context, MEASUREMENT_SOURCES);
  }
}

/** DetectionRunner as the config constructs it: the flat and config shapes measure with the built-in sources. */
class DetectionRunnerWithSources extends DetectionRunner {
  constructor(parameters: DetectionRunnerParams, context: ComponentContext) {
    super(parameters, context, MEASUREMENT_SOURCES);
  }
}

/** AllocationRunner as the config constructs it, likewise. */
class AllocationRunnerWithSources extends AllocationRunner {
  constructor(parameters: AllocationRunnerParams, context: ComponentContext) {
    super(parameters, context, MEASUREMENT_SOURCES);
  }
}

export const BUILTIN_COMPONENTS: Readonly<Record<string, ComponentClass>> = Object.freeze({
  LogStorage,
  FilterStorage,
  HTTPMetricsStorage,
  KafkaStorage,
  StaticNode,
  CgroupNode,
  MeasurementRunner: MeasurementRunnerWithSources,
  MeasurementRunnerConfig,
  DetectionRunner: DetectionRunnerWithSources,
  AllocationRunner: AllocationRunnerWithSources,
  AllocationRunnerConfig,
  TaskLabelRegexGenerator,
  AllocationConfiguration,
  NOPAnomalyDetector,
  NOPAllocator,
  StaticAllocator,
  NUMAAllocator,
  SSL,
  KubernetesNode,
  MesosNode,
});
