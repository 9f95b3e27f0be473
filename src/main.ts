/**
 * Entry point: flags → logging → privilege check → registration → config → runner.run(signal).
 * The only place that calls Deno.exit. Exit codes: 0 ok, 1 runtime/config error, 2 usage or privilege.
 */
import { checkPrivileges, parseCli, USAGE, UsageError } from "./cli/mod.ts";
import { BUILTIN_COMPONENTS } from "./builtins.ts";
import { Lifecycle, registerFrom, Registry, RegistryError, type Runner } from "./components/mod.ts";
import { DEFAULT_CONFIG, DEFAULT_CONFIG_NAME } from "./config/default_config.ts";
import { buildRunner, ConfigErrors, isUserError, parseConfigText, readConfigFile } from "./config/mod.ts";
import { escapeControl, getLogger, processHub } from "./logging/mod.ts";
import { versionLine, WCA_VERSION } from "./version.ts";

const log = getLogger("wca.main");

export interface MainIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const stdio: MainIo = {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
};

/**
 * One line per problem. Messages quote the config and the host (paths, YAML excerpts), so control
 * characters are escaped here as in log lines: a value cannot forge a line or drive the terminal.
 */
function userErrorLines(error: Error): string {
  const messages = error instanceof ConfigErrors ? error.errors.map((e) => e.message) : [error.message];
  return messages.map((message) => `wca: ${escapeControl(message)}`).join("\n");
}

/** Shows a user's mistake as its message; the stack only at debug level. */
function reportFailure(io: MainIo, error: unknown): number {
  if (isUserError(error) || error instanceof RegistryError) {
    io.err(userErrorLines(error));
    log.debug("details:", error);
    return 1;
  }
  log.error(`wca stopped: ${error instanceof Error ? error.message : String(error)}`);
  log.debug("details:", error);
  return 1;
}

function onSignals(controller: AbortController): () => void {
  const stop = (signal: Deno.Signal) => () => {
    log.info(`received ${signal}, finishing the current iteration`);
    controller.abort(signal);
  };
  const handlers = (["SIGINT", "SIGTERM"] as const).map((signal) => [signal, stop(signal)] as const);
  for (const [signal, handler] of handlers) Deno.addSignalListener(signal, handler);
  return () => {
    for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
  };
}

export async function main(argv: readonly string[], io: MainIo = stdio): Promise<number> {
  let options;
  try {
    options = parseCli(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`wca: ${escapeControl(error.message)}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    io.out(USAGE);
    return 0;
  }
  if (options.version) {
    io.out(versionLine());
    return 0;
  }
  const hub = processHub();
  hub.configure(options.logLevels);
  const refusal = checkPrivileges(Deno.uid(), options.root);
  if (refusal) {
    io.err(refusal);
    return 2;
  }
  let runner: Runner;
  const lifecycle = new Lifecycle();
  const closeAll = () =>
    lifecycle.closeAll((component, error) =>
      log.warning(`closing ${component.constructor.name} failed: ${(error as Error).message}`)
    );
  try {
    const registry = new Registry(BUILTIN_COMPONENTS);
    for (const argument of options.register) {
      const names = await registerFrom(registry, argument);
      log.debug(`registered ${names.map((n) => `!${n}`).join(", ")} from ${argument}`);
    }
    const config = options.config
      ? readConfigFile(options.config)
      : parseConfigText(DEFAULT_CONFIG_NAME, DEFAULT_CONFIG);
    // Config levels first, then the command line's again: the command line wins.
    hub.configure(config.loggers);
    hub.configure(options.logLevels);
    log.debug(
      `started PID=${Deno.pid} version=${WCA_VERSION} config=${options.config ?? DEFAULT_CONFIG_NAME}`,
    );
    runner = buildRunner(config, {
      components: registry,
      context: { hostPaths: options.hostPaths, lifecycle },
    });
  } catch (error) {
    // Components built before the mistake (an HTTP server, a file) are released before exiting.
    await closeAll();
    return reportFailure(io, error);
  }
  if (Deno.env.get("WCA_DUMP_LOGGERS") === "True") io.out(hub.dump());
  const controller = new AbortController();
  const removeSignals = onSignals(controller);
  try {
    const code = await runner.run(controller.signal);
    return typeof code === "number" ? code : 0;
  } catch (error) {
    return reportFailure(io, error);
  } finally {
    removeSignals();
    await closeAll();
  }
}

/**
 * `deno task wca` runs in the repository root, not where the user typed it; the task passes that
 * directory (Deno's INIT_CWD) as WCA_CWD, so -c, -r and relative paths in the config mean what they say.
 */
function enterUserDirectory(): number | undefined {
  const directory = Deno.env.get("WCA_CWD");
  if (!directory) return undefined;
  try {
    Deno.chdir(directory);
    return undefined;
  } catch (error) {
    console.error(
      `wca: cannot change to ${escapeControl(directory)}, the directory deno task was started in ` +
        `(WCA_CWD): ${escapeControl((error as Error).message)}`,
    );
    return 1;
  }
}

if (import.meta.main) {
  Deno.exit(enterUserDirectory() ?? await main(Deno.args));
}
