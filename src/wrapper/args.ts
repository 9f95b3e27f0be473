/**
 * The wrapper's command line, with the seeds' option names (wrapper_main.py): `--command "stress-ng -c 1"
 * --stderr 1 --labels "{'workload':'stress-ng'}" …`. Both `--name value` and `--name=value` work, and a
 * value may start with a dash (`--command '-c "…"'`, as the seeds' shell examples pass it).
 */
import { parseHostPort } from "../config/schema.ts";
import { nearest } from "../config/suggest.ts";
import { type LevelName, parseLevel } from "../logging/mod.ts";
import { METRIC_NAME_PATTERN } from "../metrics/prometheus.ts";
import { parseLabels } from "./labels.ts";
import { NUMBER_WORD } from "./parser.ts";

export class UsageError extends Error {
  override readonly name = "UsageError";
}

/**
 * `name=value` pairs. The seeds' default, `(?P<name>\w+?)=(?P<value>\d+?.?\d*)`, dropped the fraction of any number with
 * two or more digits before the point (`latency=12.5` gave 12: the lazy `\d+?` and the any-character `.?`
 * end at the second digit), and any plain `\d+(\.\d*)?` cuts `1.5e-05` to 1 and `0x1F` to 0. The value
 * here is the whole number-like word (NUMBER_WORD), which the parser reads exactly or refuses.
 */
export const DEFAULT_REGEXP = String.raw`(?P<name>\w+?)=(?P<value>` + NUMBER_WORD + ")";
export const DEFAULT_PROMETHEUS_PORT = 8080;
export const DEFAULT_KAFKA_TOPIC = "wca_apms";

export interface WrapperOptions {
  readonly command: string;
  /** Parse stderr (1) or stdout (0); undefined: the parser's default stream. */
  readonly stderr: 0 | 1 | undefined;
  readonly regexp: RegExp;
  readonly separator: RegExp | undefined;
  readonly metricNamePrefix: string;
  readonly logLevel: LevelName;
  readonly labels: Readonly<Record<string, string>>;
  readonly kafkaBrokers: readonly string[];
  readonly kafkaTopic: string;
  readonly storageOutputFilename: string | undefined;
  readonly peakLoad: number | undefined;
  readonly loadMetricName: string | undefined;
  readonly slo: number;
  readonly sliMetricName: string | undefined;
  readonly inverseSliMetricValue: boolean;
  readonly subprocessShell: boolean;
  /** -1: no HTTP endpoint; 0: any free port. */
  readonly prometheusPort: number;
  readonly prometheusIp: string;
}

export type ParsedArgs =
  | { readonly kind: "run"; readonly options: WrapperOptions }
  | { readonly kind: "help" }
  | { readonly kind: "version" };

interface OptionSpec {
  readonly flag: boolean;
  readonly metavar?: string;
  readonly help: string;
}

const OPTIONS: Readonly<Record<string, OptionSpec>> = {
  command: {
    flag: false,
    metavar: "COMMAND",
    help: "Workload run command (required), split like a shell does",
  },
  stderr: {
    flag: false,
    metavar: "0|1",
    help: "If 0, parser will use stdout, if 1 stderr (default: the parser's)",
  },
  regexp: {
    flag: false,
    metavar: "REGEXP",
    help: "Regexp of the generic parser, with named groups name and value; default matches a=4.0",
  },
  separator: { flag: false, metavar: "REGEXP", help: "Generic parser: a line matching this ends a block" },
  metric_name_prefix: { flag: false, metavar: "PREFIX", help: "Put before every parsed metric name" },
  log_level: { flag: false, metavar: "LEVEL", help: "ERROR (default), WARNING, INFO, DEBUG or TRACE" },
  labels: {
    flag: false,
    metavar: "LABELS",
    help: `Labels of every metric: {'workload':'stress-ng','cores':'1'} or JSON`,
  },
  kafka_brokers: { flag: false, metavar: "HOST:PORT,…", help: "Also send metrics to these Kafka brokers" },
  kafka_topic: { flag: false, metavar: "TOPIC", help: `Kafka topic (default ${DEFAULT_KAFKA_TOPIC})` },
  storage_output_filename: { flag: false, metavar: "FILE", help: "Also append metrics to this file" },
  peak_load: { flag: false, metavar: "N", help: "Expected maximum load (with --load_metric_name)" },
  load_metric_name: {
    flag: false,
    metavar: "NAME",
    help: "Parsed metric that is the load; 'const': load is always peak_load",
  },
  slo: { flag: false, metavar: "N", help: "Service level objective, in the SLI's units (default +inf)" },
  sli_metric_name: { flag: false, metavar: "NAME", help: "Parsed metric used as service level indicator" },
  inverse_sli_metric_value: { flag: true, help: "Use 1/value of the SLI metric" },
  subprocess_shell: { flag: true, help: "Run the command with /bin/sh -c" },
  prometheus_port: {
    flag: false,
    metavar: "PORT",
    help: `Port of the HTTP endpoint (default ${DEFAULT_PROMETHEUS_PORT}; 0 any free port; -1 none)`,
  },
  prometheus_ip: {
    flag: false,
    metavar: "ADDRESS",
    help: "Address of the HTTP endpoint (default 127.0.0.1; 0.0.0.0 for all)",
  },
};
const ALIASES: Readonly<Record<string, string>> = { prometheus_host: "prometheus_ip" };

export function usage(program: string, description: string): string {
  const lines = [
    `usage: ${program} --command COMMAND [options]`,
    "",
    description,
    "",
    "options:",
    "  -h, --help                 show this help and exit",
    "  --version                  show the version and exit",
  ];
  for (const [name, spec] of Object.entries(OPTIONS)) {
    const left = `  --${name}${spec.metavar ? ` ${spec.metavar}` : ""}`;
    lines.push(left.length < 29 ? left.padEnd(29) + spec.help : `${left}\n${" ".repeat(29)}${spec.help}`);
  }
  lines.push("  --prometheus_host ADDRESS  same as --prometheus_ip");
  return lines.join("\n") + "\n";
}

/** The nearest option name, for "did you mean". */
function suggestion(name: string): string {
  const close = nearest(name, [...Object.keys(OPTIONS), ...Object.keys(ALIASES)]);
  return close ? `; did you mean --${close}?` : "";
}

/** Python's named groups `(?P<name>…)` and back references `(?P=name)` in JavaScript syntax. */
export function pythonRegExp(source: string, what: string, flags = ""): RegExp {
  const js = source.replace(/\(\?P</g, "(?<").replace(/\(\?P=(\w+)\)/g, "\\k<$1>");
  try {
    return new RegExp(js, flags);
  } catch (error) {
    throw new UsageError(
      `${what}: invalid regular expression ${JSON.stringify(source)}: ${(error as Error).message}`,
    );
  }
}

function number(name: string, text: string, check: (n: number) => boolean, expected: string): number {
  const value = /^[+-]?(inf|infinity)$/i.test(text.trim())
    ? (text.trim().startsWith("-") ? -Infinity : Infinity)
    : text.trim() === ""
    ? NaN
    : Number(text);
  if (Number.isNaN(value) || !check(value)) {
    throw new UsageError(`--${name}: invalid value ${JSON.stringify(text)}: expected ${expected}`);
  }
  return value;
}

function collect(argv: readonly string[]): Map<string, string | true> | "help" | "version" {
  const values = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "-h" || arg === "--help") return "help";
    if (arg === "--version") return "version";
    if (!arg.startsWith("--")) {
      throw new UsageError(`unexpected argument ${JSON.stringify(arg)}: the workload goes in --command`);
    }
    const eq = arg.indexOf("=");
    const given = arg.slice(2, eq < 0 ? undefined : eq);
    const name = ALIASES[given] ?? given;
    const spec = OPTIONS[name];
    if (!spec) throw new UsageError(`unknown option --${given}${suggestion(given)}`);
    if (spec.flag) {
      if (eq >= 0) throw new UsageError(`--${given} takes no value`);
      values.set(name, true);
    } else if (eq >= 0) values.set(name, arg.slice(eq + 1));
    else if (i + 1 < argv.length) values.set(name, argv[++i]!);
    else throw new UsageError(`--${given} needs a value (${spec.metavar})`);
  }
  return values;
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const values = collect(argv);
  if (values === "help" || values === "version") return { kind: values };
  const text = (name: string): string | undefined => {
    const value = values.get(name);
    return typeof value === "string" ? value : undefined;
  };
  const command = text("command");
  if (command === undefined || command.trim() === "") {
    throw new UsageError('--command is required: the workload to run, e.g. --command "stress-ng -c 1"');
  }
  const stderr = text("stderr");
  if (stderr !== undefined && stderr !== "0" && stderr !== "1") {
    throw new UsageError(
      `--stderr: invalid value ${JSON.stringify(stderr)}: expected 0 (stdout) or 1 (stderr)`,
    );
  }
  const levelText = text("log_level") ?? "ERROR";
  const logLevel = parseLevel(levelText);
  if (!logLevel) {
    throw new UsageError(
      `--log_level: invalid value ${
        JSON.stringify(levelText)
      }: expected ERROR, WARNING, INFO, DEBUG or TRACE`,
    );
  }
  const prefix = text("metric_name_prefix") ?? "";
  if (prefix !== "" && !METRIC_NAME_PATTERN.test(prefix)) {
    throw new UsageError(
      `--metric_name_prefix: invalid value ${
        JSON.stringify(prefix)
      }: expected letters, digits, _ and :, not starting with a digit`,
    );
  }
  let labels: Record<string, string>;
  try {
    labels = parseLabels(text("labels") ?? "{}");
  } catch (error) {
    throw new UsageError(`--labels: ${(error as Error).message}`);
  }
  const regexp = pythonRegExp(text("regexp") ?? DEFAULT_REGEXP, "--regexp", "g");
  if (!/\(\?<name>/.test(regexp.source) || !/\(\?<value>/.test(regexp.source)) {
    throw new UsageError(
      `--regexp: ${JSON.stringify(text("regexp"))} needs the named groups (?P<name>…) and (?P<value>…)`,
    );
  }
  const separatorText = text("separator");
  const separator = separatorText === undefined
    ? undefined
    : pythonRegExp(`^(?:${separatorText})`, "--separator");
  const kafkaBrokers = (text("kafka_brokers") ?? "").replace(/\s/g, "").split(",").filter((b) => b !== "");
  for (const broker of kafkaBrokers) {
    if (!parseHostPort(broker)) {
      throw new UsageError(`--kafka_brokers: invalid broker ${JSON.stringify(broker)}: expected host:port`);
    }
  }
  const peakText = text("peak_load");
  const peakLoad = peakText === undefined
    ? undefined
    : number("peak_load", peakText, (n) => n > 0 && Number.isFinite(n), "a number > 0");
  const loadMetricName = text("load_metric_name");
  if ((peakLoad === undefined) !== (loadMetricName === undefined)) {
    throw new UsageError("Both --load_metric_name and --peak_load have to be set, or none of them");
  }
  const sloText = text("slo");
  const slo = sloText === undefined
    ? Infinity
    : number("slo", sloText, (n) => n > 0, "a number > 0 (or inf)");
  const portText = text("prometheus_port");
  const prometheusPort = portText === undefined ? DEFAULT_PROMETHEUS_PORT : number(
    "prometheus_port",
    portText,
    (n) => Number.isInteger(n) && n >= -1 && n <= 65535,
    "a port 1-65535, 0 (any free port) or -1 (no HTTP endpoint)",
  );
  const prometheusIp = (text("prometheus_ip") ?? "127.0.0.1").replace(/^\[(.*)\]$/, "$1");
  if (!parseHostPort(prometheusIp.includes(":") ? `[${prometheusIp}]:1` : `${prometheusIp}:1`)) {
    throw new UsageError(
      `--prometheus_ip: invalid address ${
        JSON.stringify(prometheusIp)
      }: expected an IPv4 or IPv6 address or a hostname`,
    );
  }
  return {
    kind: "run",
    options: {
      command,
      stderr: stderr === undefined ? undefined : stderr === "1" ? 1 : 0,
      regexp,
      separator,
      metricNamePrefix: prefix,
      logLevel,
      labels,
      kafkaBrokers,
      kafkaTopic: text("kafka_topic") ?? DEFAULT_KAFKA_TOPIC,
      storageOutputFilename: text("storage_output_filename"),
      peakLoad,
      loadMetricName,
      slo,
      sliMetricName: text("sli_metric_name"),
      inverseSliMetricValue: values.get("inverse_sli_metric_value") === true,
      subprocessShell: values.get("subprocess_shell") === true,
      prometheusPort,
      prometheusIp,
    },
  };
}
