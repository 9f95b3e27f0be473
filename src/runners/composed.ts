/**
 * DetectionRunner and AllocationRunner measure through a MeasurementRunner given in one of the three
 * shapes WCA configs use:
 *   composed:  measurement_runner: !MeasurementRunner {node: …, metrics_storage: …}
 *   config:    config: !MeasurementRunnerConfig {node: …, action_delay: …}   (or !AllocationRunnerConfig)
 *   flat:      node, action_delay (or interval), metrics_storage, rdt_enabled, event_names … on the runner
 * A runner closes the MeasurementRunner it built itself; the composed one belongs to the lifecycle.
 */
import type { ComponentContext } from "../components/component.ts";
import type { ComponentInterface } from "../components/interfaces.ts";
import { number, params, z } from "../config/schema.ts";
import type { MeasurementSourceFactory } from "../sources/contract.ts";
import { MeasurementRunner } from "./measurement/runner.ts";
import { type MeasurementRunnerParams, measurementRunnerSchema } from "./measurement/schema.ts";

export const MeasurementRunnerInterface: ComponentInterface = Object.freeze({
  name: "MeasurementRunner",
  methods: ["start", "measure", "store", "close"],
});

const measurementShape = measurementRunnerSchema.shape;

/** WCA 1.0's name for the interval, and OWCA's first name for metrics_storage. */
const actionDelay = {
  action_delay: number(0.01, 3600).optional().describe("WCA 1.0's name for interval (seconds)."),
  storage: measurementRunnerSchema.shape.metrics_storage.describe(
    "WCA 1.0's first name for metrics_storage (the original WCA's example.yaml).",
  ),
};

/** MeasurementRunner's parameters, each optional, for the flat shape (checked again when used). */
export const flatMeasurementParams: Record<string, z.ZodType> = Object.fromEntries([
  // Defaults are left to the MeasurementRunner's own schema, so that a given action_delay is not
  // hidden behind interval's default.
  ...Object.entries(measurementShape).map((
    [name, schema],
  ) => [name, withoutDefault(schema as z.ZodType).optional()]),
  ...Object.entries(actionDelay),
]);

function withoutDefault(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodDefault ? withoutDefault(schema.unwrap() as z.ZodType) : schema;
}

const configSchema = params({ ...flatMeasurementParams, node: measurementShape.node });

/** `!MeasurementRunnerConfig`: MeasurementRunner's parameters as a value (WCA's `Config`). */
export class MeasurementRunnerConfig {
  static readonly schema = configSchema;
  static readonly description: string =
    "MeasurementRunner's parameters as one value, for a runner's `config:`.";
  readonly parameters: Readonly<Record<string, unknown>>;
  constructor(parameters: z.infer<typeof configSchema>) {
    this.parameters = Object.freeze({ ...parameters });
  }
}

/** `!AllocationRunnerConfig`: the same, under the name WCA's allocation configs use. */
export class AllocationRunnerConfig extends MeasurementRunnerConfig {
  static override readonly description =
    "MeasurementRunner's parameters for an AllocationRunner's `config:`.";
}

export const measurementChoice = {
  measurement_runner: z.custom<MeasurementRunner>(
    (value) => value instanceof Object && typeof (value as MeasurementRunner).measure === "function",
    { error: "expected !MeasurementRunner" },
  ).optional().describe("The MeasurementRunner to measure with (composed shape)."),
  config: z.custom<MeasurementRunnerConfig>((value) => value instanceof MeasurementRunnerConfig, {
    error: "expected !MeasurementRunnerConfig or !AllocationRunnerConfig",
  }).optional().describe("MeasurementRunner's parameters as one value (config shape)."),
};

/** Exactly one shape: reported at the runner when none or several are given. */
export function oneMeasurementShape(value: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const given = [
    value.measurement_runner !== undefined && "measurement_runner",
    value.config !== undefined && "config",
    value.node !== undefined && "node",
  ].filter(Boolean);
  if (given.length === 1) return;
  ctx.addIssue({
    code: "custom",
    // Missing: reported as the field a flat config most often lacks; several: at the second one given.
    path: given.length === 0 ? ["node"] : [given[1] as string],
    message: given.length === 0
      ? "expected one of measurement_runner (a !MeasurementRunner), config (a !MeasurementRunnerConfig) " +
        "or node with MeasurementRunner's parameters on the runner itself"
      : `expected only one of measurement_runner, config or node, got ${given.join(" and ")}`,
  });
}

export interface ResolvedMeasurement {
  readonly runner: MeasurementRunner;
  /** Whether this runner built it (and so closes it). */
  readonly owned: boolean;
}

/** The MeasurementRunner of a runner's parameters, in whichever shape they came. */
export function resolveMeasurementRunner(
  parameters: Record<string, unknown>,
  context: ComponentContext,
  sources: readonly MeasurementSourceFactory<MeasurementRunnerParams>[],
): ResolvedMeasurement {
  if (parameters.measurement_runner instanceof MeasurementRunner) {
    return { runner: parameters.measurement_runner, owned: false };
  }
  const given = parameters.config instanceof MeasurementRunnerConfig
    ? { ...parameters.config.parameters }
    : Object.fromEntries(Object.keys(flatMeasurementParams).map((name) => [name, parameters[name]]));
  // allocation_configuration belongs to AllocationRunner, which reads it from the same parameters.
  const { action_delay: delay, storage, allocation_configuration: _allocation, ...rest } = given as Record<
    string,
    unknown
  >;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  if (delay !== undefined && defined.interval === undefined) defined.interval = delay;
  // OWCA's `storage:` (the seeds' example.yaml) is metrics_storage.
  if (storage !== undefined && defined.metrics_storage === undefined) defined.metrics_storage = storage;
  const measurementParams = measurementRunnerSchema.parse(defined);
  return { runner: new MeasurementRunner(measurementParams, context, sources), owned: true };
}
