/**
 * The measurement sources MeasurementRunner starts, in order. One explicit list, as for components:
 * each feature (perf counters, RDT, uncore PMUs) adds its factory here.
 */
import { createPerfSource } from "../../perf/factory.ts";
import { uncoreSourceFactory } from "../../perf/uncore/factory.ts";
import { rdtSourceFactory } from "./rdt_source.ts";
import type { MeasurementSourceFactory } from "./sources.ts";

export const SOURCE_FACTORIES: readonly MeasurementSourceFactory[] = Object.freeze([
  (params, context, facts) => createPerfSource(params, context, facts),
  rdtSourceFactory(),
  uncoreSourceFactory,
]);
