/**
 * Config file → component graph. Two phases so the `loggers:` section takes effect before any component
 * is constructed (the seeds' agent could not log during construction; we can).
 */
import { isMap, isScalar, type Node } from "yaml";
import type { ComponentContext } from "../components/component.ts";
import { defaultHostPaths } from "../platform/host_paths.ts";
import { implementsInterface, type Runner, RunnerInterface } from "../components/interfaces.ts";
import { LEVEL_NAMES, type LevelName, parseLevel } from "../logging/mod.ts";
import { ConfigError } from "./errors.ts";
import { type FileOwner, readTrustedConfig } from "./file_checks.ts";
import { type ComponentLookup, GraphBuilder } from "./graph.ts";
import { YamlSource } from "./yaml_source.ts";

const TOP_LEVEL_KEYS = ["runner", "loggers"] as const;

export interface ParsedConfig {
  readonly source: YamlSource;
  /** Levels from the `loggers:` section, in file order. */
  readonly loggers: ReadonlyArray<readonly [string, LevelName]>;
  readonly runnerNode: Node;
}

export interface BuildOptions {
  components: ComponentLookup;
  env?: (name: string) => string | undefined;
  /** Default: the host's own /proc, /sys, cgroup and resctrl roots. */
  context?: ComponentContext;
}

/** Parses and checks the shape of a config text; nothing is constructed yet. */
export function parseConfigText(file: string, text: string): ParsedConfig {
  const source = new YamlSource(file, text);
  const root = source.doc.contents as Node | null;
  if (!isMap(root)) {
    throw new ConfigError(
      "A config file must be a mapping with the key 'runner' (and optionally 'loggers')",
      source.position(root),
    );
  }
  source.checkUniqueKeys(root);
  let runnerNode: Node | undefined;
  let loggers: Array<readonly [string, LevelName]> = [];
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key === "runner") runnerNode = (pair.value ?? pair.key) as Node;
    else if (key === "loggers") loggers = parseLoggers(source, pair.value as Node | null);
    else {
      throw new ConfigError(
        `Unknown top-level key ${source.describe(pair.key as Node)}; allowed keys: ${
          TOP_LEVEL_KEYS.join(", ")
        }`,
        source.position(pair.key as Node),
      );
    }
  }
  if (!runnerNode) {
    throw new ConfigError(
      "Missing top-level key 'runner': e.g. 'runner: !MeasurementRunner {...}'",
      source.position(root),
    );
  }
  return { source, loggers, runnerNode };
}

function parseLoggers(source: YamlSource, node: Node | null): Array<readonly [string, LevelName]> {
  if (node === null || (isScalar(node) && node.value === null)) return [];
  if (!isMap(node)) {
    throw new ConfigError(
      `Invalid value ${source.describe(node)} for 'loggers': expected a mapping of module: level`,
      source.position(node),
    );
  }
  return node.items.map((pair) => {
    const module = isScalar(pair.key) && pair.key.value !== null ? String(pair.key.value) : "";
    const value = pair.value as Node | null;
    const level = isScalar(value) && typeof value.value === "string" ? parseLevel(value.value) : undefined;
    if (!level) {
      throw new ConfigError(
        `Invalid value ${source.describe(value)} for logger '${module}': expected one of: ` +
          LEVEL_NAMES.map((l) => l.toLowerCase()).join(", "),
        source.position(value ?? (pair.key as Node)),
      );
    }
    return [module, level] as const;
  });
}

/** Constructs the runner and everything it references. */
export function buildRunner(config: ParsedConfig, options: BuildOptions): Runner {
  const builder = new GraphBuilder(config.source, {
    components: options.components,
    env: options.env ?? ((name) => Deno.env.get(name)),
    context: options.context ?? { hostPaths: defaultHostPaths() },
  });
  const runner = builder.build(config.runnerNode);
  if (!implementsInterface(runner, RunnerInterface)) {
    throw new ConfigError(
      `Invalid value ${config.source.describe(config.runnerNode)} for 'runner': ` +
        `expected a Runner component (one with run()), e.g. !MeasurementRunner`,
      config.source.position(config.runnerNode),
    );
  }
  return runner as Runner;
}

/** Reads a config file after the ownership and permission checks. */
export function readConfigFile(path: string, owner?: FileOwner): ParsedConfig {
  return parseConfigText(path, readTrustedConfig(path, owner));
}
