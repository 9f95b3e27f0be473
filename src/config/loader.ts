/**
 * Config file → component graph. Two phases so the `loggers:` section takes effect before any component
 * is constructed (the seeds' agent could not log during construction; we can).
 */
import { isMap, isScalar, type Node, visit } from "yaml";
import type { ComponentContext } from "../components/component.ts";
import { defaultHostPaths } from "../platform/host_paths.ts";
import { implementsInterface, type Runner, RunnerInterface } from "../components/interfaces.ts";
import { LEVEL_NAMES, type LevelName, parseLevel } from "../logging/mod.ts";
import { ConfigError, printable, quoted } from "./errors.ts";
import { type FileOwner, readTrustedConfig } from "./file_checks.ts";
import { type ComponentLookup, GraphBuilder } from "./graph.ts";
import { nearest } from "./suggest.ts";
import { significantTag, YamlSource } from "./yaml_source.ts";

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

/**
 * Parses and checks the shape of a config text; nothing is constructed yet. `env` resolves `!Env` in
 * the `loggers:` section (default: the process environment).
 */
export function parseConfigText(
  file: string,
  text: string,
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): ParsedConfig {
  const source = new YamlSource(file, text);
  const root = source.doc.contents as Node | null;
  if (!isMap(root)) {
    throw new ConfigError(
      "A config file must be a mapping with the key 'runner' (and optionally 'loggers')",
      source.position(root),
    );
  }
  let runnerNode: Node | undefined;
  let loggers: Array<readonly [string, LevelName]> = [];
  for (const { name, key, value } of source.entries(root)) {
    if (name === "runner" && isScalar(key)) runnerNode = value ?? key;
    else if (name === "loggers" && isScalar(key)) loggers = parseLoggers(source, value, env);
    else if (definesAnchor(value) && !nearest(name, TOP_LEVEL_KEYS)) {
      // A key that only holds anchors for the runner to alias (`defaults: &d {...}`), as WCA allowed:
      // nothing in it is constructed unless the runner refers to it.
      continue;
    } else {
      const guess = nearest(name, TOP_LEVEL_KEYS);
      throw new ConfigError(
        `Unknown top-level key ${source.describe(key)}${guess ? `; did you mean '${guess}'?` : ""}` +
          `${guess ? " Allowed" : "; allowed"} keys: ${TOP_LEVEL_KEYS.join(", ")}`,
        source.position(key),
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

const LEVELS = LEVEL_NAMES.map((l) => l.toLowerCase()).join(", ");

function parseLoggers(
  source: YamlSource,
  node: Node | null,
  env: (name: string) => string | undefined,
): Array<readonly [string, LevelName]> {
  const section = source.resolve(node);
  if (significantTag(section)) {
    throw new ConfigError(
      `Invalid value ${
        source.describe(section)
      } for 'loggers': expected a mapping of module: level, untagged`,
      source.position(section),
    );
  }
  if (section === null || section === undefined || (isScalar(section) && section.value === null)) return [];
  if (!isMap(section)) {
    throw new ConfigError(
      `Invalid value ${source.describe(section)} for 'loggers': expected a mapping of module: level`,
      source.position(section),
    );
  }
  return source.entries(section).map(({ name: module, key, value }) => {
    const resolved = source.resolve(value);
    const tag = significantTag(resolved);
    let text: string | undefined;
    if (tag === "!Env") text = loggerEnv(source, resolved!, env);
    else if (!tag && isScalar(resolved) && typeof resolved.value === "string") text = resolved.value;
    const level = text === undefined ? undefined : parseLevel(text);
    if (!level) {
      const given = tag === "!Env" ? `${quoted(text ?? "")} (from ${source.describe(resolved)})` : source
        .describe(resolved);
      const tagNote = tag && tag !== "!Env" ? " (a level is plain text or !Env NAME, never a tag)" : "";
      throw new ConfigError(
        `Invalid value ${given} for logger '${printable(module)}': expected one of: ${LEVELS}${tagNote}`,
        source.position(resolved ?? key),
      );
    }
    return [module, level] as const;
  });
}

function loggerEnv(source: YamlSource, node: Node, env: (name: string) => string | undefined): string {
  const name = isScalar(node) && typeof node.value === "string" ? node.value.trim() : "";
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new ConfigError(
      `!Env expects an environment variable name, got ${source.describe(node)}`,
      source.position(node),
    );
  }
  const value = env(name);
  if (value === undefined) {
    throw new ConfigError(`Environment variable ${name} (from !Env) is not set`, source.position(node));
  }
  return value;
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

/** Whether `node` (or anything inside it) carries an anchor (`&name`). */
function definesAnchor(node: Node | null | undefined): boolean {
  if (!node) return false;
  let found = false;
  visit(node, (_key, visited) => {
    if (!(visited as { anchor?: string }).anchor) return undefined;
    found = true;
    return visit.BREAK;
  });
  return found;
}
