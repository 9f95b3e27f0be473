/** Command-line flags, WCA-compatible. Pure: argv in, options or a UsageError out. */
import { parseArgs } from "node:util";
import { defaultHostPaths, type HostPaths, hostPathsUnder } from "../platform/host_paths.ts";
import { LEVEL_NAMES, type LevelName, parseLevel } from "../logging/mod.ts";

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export interface CliOptions {
  readonly config: string | undefined;
  readonly register: readonly string[];
  /** [module, level] in command-line order; a bare level applies to `wca`. */
  readonly logLevels: ReadonlyArray<readonly [string, LevelName]>;
  readonly root: boolean;
  readonly version: boolean;
  readonly help: boolean;
  /** Where the host's /proc, /sys, cgroup and resctrl filesystems are (e.g. in a container). */
  readonly hostPaths: HostPaths;
}

function hostPathsFrom(values: Readonly<Record<string, unknown>>): HostPaths {
  for (const flag of ["host-root", "proc-root", "sys-root", "cgroup-root", "resctrl-root"]) {
    const value = values[flag] as string | undefined;
    if (value !== undefined && (!value.startsWith("/") || value.split("/").includes(".."))) {
      throw new UsageError(`--${flag} needs an absolute path without '..', got '${value}'`);
    }
  }
  const flag = (name: string) => values[name] as string | undefined;
  const hostRoot = flag("host-root");
  const base = hostRoot ? hostPathsUnder(hostRoot) : defaultHostPaths();
  return Object.freeze({
    proc: flag("proc-root") ?? base.proc,
    sys: flag("sys-root") ?? base.sys,
    cgroup: flag("cgroup-root") ?? base.cgroup,
    resctrl: flag("resctrl-root") ?? base.resctrl,
  });
}

/** `debug` → wca; `example:info` → example; `:debug` → the root logger. */
export function parseLogLevel(argument: string): readonly [string, LevelName] {
  const colon = argument.lastIndexOf(":");
  const module = colon >= 0 ? argument.slice(0, colon) : "wca";
  const levelText = colon >= 0 ? argument.slice(colon + 1) : argument;
  const level = parseLevel(levelText);
  if (!level) {
    throw new UsageError(
      `invalid log level '${levelText}' in '-l ${argument}': expected one of ` +
        LEVEL_NAMES.map((l) => l.toLowerCase()).join(", "),
    );
  }
  return [module, level];
}

const LOG_OPTIONS = ["log-level", "log", "log_level"];

export function parseCli(argv: readonly string[]): CliOptions {
  // `deno task wca -- -c x` hands us the "--" itself; it separates task from agent arguments.
  const args = argv[0] === "--" ? argv.slice(1) : argv;
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      strict: true,
      tokens: true,
      allowPositionals: false,
      options: {
        config: { type: "string", short: "c" },
        register: { type: "string", short: "r", multiple: true },
        "log-level": { type: "string", short: "l", multiple: true },
        log: { type: "string", multiple: true },
        log_level: { type: "string", multiple: true },
        root: { type: "boolean", short: "0" },
        version: { type: "boolean", short: "v" },
        help: { type: "boolean", short: "h" },
        "host-root": { type: "string" },
        "proc-root": { type: "string" },
        "sys-root": { type: "string" },
        "cgroup-root": { type: "string" },
        "resctrl-root": { type: "string" },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message.split(". To specify")[0]!);
  }
  const values = parsed.values;
  // Tokens keep command-line order across the aliases: the last -l for a module wins.
  const levels = (parsed.tokens ?? []).flatMap((token) =>
    token.kind === "option" && LOG_OPTIONS.includes(token.name) && token.value !== undefined
      ? [token.value]
      : []
  );
  return {
    config: values.config,
    register: values.register ?? [],
    logLevels: levels.map(parseLogLevel),
    root: values.root ?? false,
    version: values.version ?? false,
    help: values.help ?? false,
    hostPaths: hostPathsFrom(values),
  };
}
