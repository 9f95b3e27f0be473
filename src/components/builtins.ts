/**
 * The one explicit list of built-in components. The key is the YAML tag (`!LogStorage`); keys, not
 * class names, because bundlers may rename classes.
 */
import type { ComponentClass } from "./component.ts";
import { AllocationConfiguration } from "../allocations/configuration.ts";
import { CgroupNode, StaticNode } from "../nodes/mod.ts";
import { MeasurementRunner, TaskLabelRegexGenerator } from "../runners/measurement/mod.ts";
import { FilterStorage, HTTPMetricsStorage, LogStorage } from "../storages/mod.ts";

export const BUILTIN_COMPONENTS: Readonly<Record<string, ComponentClass>> = Object.freeze({
  LogStorage,
  FilterStorage,
  HTTPMetricsStorage,
  StaticNode,
  CgroupNode,
  MeasurementRunner,
  TaskLabelRegexGenerator,
  AllocationConfiguration,
});
