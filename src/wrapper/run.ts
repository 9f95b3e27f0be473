/**
 * The wrapper's main loop: parse the flags, open the outputs, start the workload, feed its output to
 * the parser and the parser's metrics to the outputs, and end with the workload's exit code.
 */
import type { Storage } from "../components/interfaces.ts";
import { getLogger, OnceLog, processHub } from "../logging/mod.ts";
import type { Metric } from "../metrics/metric.ts";
import { WCA_VERSION } from "../version.ts";
import { parseArgs, usage, UsageError, type WrapperOptions } from "./args.ts";
import { closeOutputs, openOutputs, OutputError, type Outputs } from "./outputs.ts";
import type { ParseLines, WorkloadParser } from "./parser.ts";
import { serviceLevelMetrics } from "./service_level.ts";
import {
  exitCodeOf,
  forwardSignals,
  pumpLines,
  startWorkload,
  workloadArgv,
  WorkloadStartError,
} from "./workload.ts";

const log = getLogger("wca.wrapper");

/**
 * After the workload exits, how long its output may still take to end. A process it left behind (a
 * daemon, a shell's orphaned child) can hold the pipe open for ever; the wrapper must still exit.
 */
export const DRAIN_TIMEOUT_MS = 2000;

/** `wrapper-stress-ng`, or `wrapper` for the generic parser. */
export function programName(parser: WorkloadParser): string {
  return parser.name === "generic" ? "wrapper" : `wrapper-${parser.name}`;
}

function seriesKey(metric: Metric): string {
  return metric.name + JSON.stringify(Object.entries(metric.labels).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function latestPerSeries(metrics: readonly Metric[]): Map<string, Metric> {
  const latest = new Map<string, Metric>();
  for (const metric of metrics) {
    const key = seriesKey(metric);
    latest.delete(key); // keep the order of last appearance
    latest.set(key, metric);
  }
  return latest;
}

function describe(metric: Metric): string {
  const labels = Object.entries(metric.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",");
  return `${metric.name}{${labels}} ${metric.value}`;
}

/** Feeds parsed batches to the outputs; reports each distinct failure once. */
class MetricsSink {
  readonly #outputs: Outputs;
  readonly #options: WrapperOptions;
  readonly #current = new Map<string, Metric>();
  readonly #once = new OnceLog(log);

  constructor(outputs: Outputs, options: WrapperOptions) {
    this.#outputs = outputs;
    this.#options = options;
  }

  async take(parsed: readonly Metric[]): Promise<void> {
    if (parsed.length === 0) return;
    const latest = latestPerSeries(parsed);
    const batch = [...latest.values()];
    for (const metric of serviceLevelMetrics(batch, this.#options, this.#options.labels)) {
      latest.set(seriesKey(metric), metric);
    }
    const all = [...latest.values()];
    if (log.isEnabledFor("DEBUG")) {
      for (const metric of all) {
        log.debug(`found metric ${describe(metric)}`);
      }
    }
    for (const [key, metric] of latest) this.#current.set(key, metric);
    const current = [...this.#current.values()];
    for (const storage of this.#outputs.current) await this.#store(storage, current);
    for (const storage of this.#outputs.batches) await this.#store(storage, all);
  }

  async #store(storage: Storage, metrics: Metric[]): Promise<void> {
    try {
      await storage.store(metrics);
    } catch (error) {
      const message = `storing metrics failed: ${(error as Error).message}`;
      this.#once.warn(message, message);
    }
  }

  parseFailed(error: unknown): void {
    const message = `the parser failed on the workload's output: ${(error as Error).message}`;
    this.#once.warn(message, message);
  }
}

function writeError(program: string, message: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(`${program}: ${message}\n`));
}

async function runWorkload(
  parser: WorkloadParser,
  options: WrapperOptions,
  program: string,
): Promise<number> {
  const hub = processHub();
  hub.setLevel("", options.logLevel);
  hub.setLevel("wca", options.logLevel);
  log.info(`Starting ${program} version ${WCA_VERSION}`);
  let outputs: Outputs;
  let argv: string[];
  try {
    argv = workloadArgv(options.command, options.subprocessShell);
    outputs = await openOutputs(options);
  } catch (error) {
    if (error instanceof WorkloadStartError || error instanceof OutputError) {
      writeError(program, error.message);
      return error.exitCode;
    }
    throw error;
  }
  const parseStderr = (options.stderr ?? parser.defaultStream ?? 0) === 1;
  let child: Deno.ChildProcess;
  try {
    log.info(`Running command: ${JSON.stringify(argv)}; parsing its ${parseStderr ? "stderr" : "stdout"}`);
    child = startWorkload(argv, parseStderr);
  } catch (error) {
    await closeOutputs(outputs);
    if (error instanceof WorkloadStartError) {
      writeError(program, error.message);
      return error.exitCode;
    }
    throw error;
  }
  const stopForwarding = forwardSignals(child, (signal) => log.info(`forwarding ${signal} to the workload`));
  const parse: ParseLines = parser.create(options);
  const sink = new MetricsSink(outputs, options);
  const pumping = pumpLines(parseStderr ? child.stderr : child.stdout, {
    passThrough: parseStderr ? Deno.stderr : Deno.stdout,
    onLines: async (lines) => {
      let parsed: Metric[];
      try {
        parsed = parse(lines);
      } catch (error) {
        sink.parseFailed(error);
        return;
      }
      await sink.take(parsed);
    },
    onPassThroughError: (error) =>
      log.warning(`cannot pass the workload's output on: ${(error as Error).message}; still parsing it`),
  }).then((dropped) => {
    if (dropped > 0) log.warning(`${dropped} line(s) longer than 1 MiB were not parsed`);
  });
  const status = await child.status;
  stopForwarding();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const drained = await Promise.race([
    pumping.then(() => true),
    new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), DRAIN_TIMEOUT_MS)),
  ]);
  clearTimeout(timer);
  if (!drained) log.warning(`the workload exited but its output is still open; not waiting for it`);
  await closeOutputs(outputs);
  const code = exitCodeOf(status);
  log.info(`workload exited${status.signal ? ` on ${status.signal}` : ""} with code ${code}`);
  return code;
}

/** Runs the wrapper with `parser`; returns the exit code (the workload's, or 1/2 for the wrapper's own errors). */
export async function runWrapper(parser: WorkloadParser, argv: readonly string[]): Promise<number> {
  const program = programName(parser);
  let parsed;
  try {
    parsed = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    writeError(program, `${error.message}\nTry '${program} --help' for the options.`);
    return 2;
  }
  if (parsed.kind === "help") {
    console.log(usage(program, parser.description).trimEnd());
    return 0;
  }
  if (parsed.kind === "version") {
    console.log(`${program} ${WCA_VERSION} (wca workload wrapper, deno ${Deno.version.deno})`);
    return 0;
  }
  return await runWorkload(parser, parsed.options, program);
}

/** The entry point of a wrapper binary: `if (import.meta.main) await wrapperMain(parser);`. */
export async function wrapperMain(parser: WorkloadParser): Promise<never> {
  let code: number;
  try {
    code = await runWrapper(parser, Deno.args);
  } catch (error) {
    writeError(programName(parser), `internal error: ${(error as Error).stack ?? error}`);
    code = 1;
  }
  Deno.exit(code);
}
