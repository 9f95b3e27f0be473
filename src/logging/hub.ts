/**
 * Hierarchical loggers: `wca.storage` inherits the level of `wca` unless it has its own; the root is "".
 * A LogHub owns levels, counters and the output; tests make their own hubs.
 */
import { escapeControl } from "./escape.ts";
import { LEVEL_NAMES, type LevelName, levelName, LEVELS } from "./levels.ts";

export interface LogHubOptions {
  /** Where finished lines go (default: stderr). */
  write?: (line: string) => void;
  now?: () => Date;
}

export interface ModuleCounts {
  readonly module: string;
  readonly warnings: number;
  readonly errors: number;
}

const encoder = new TextEncoder();

function writeStderr(line: string): void {
  Deno.stderr.writeSync(encoder.encode(line + "\n"));
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
}

/** `2018-07-13 14:51:32,829` in local time, as Python's logging prints it. */
export function formatTimestamp(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())},${
      pad(date.getMilliseconds(), 3)
    }`;
}

/**
 * One log line. Every message passes here, so this is where control characters are escaped: paths,
 * cgroup names and config values inside a message cannot end the line or reach the terminal raw.
 */
export function formatLine(date: Date, level: number, module: string, message: string): string {
  return `${formatTimestamp(date)} ${levelName(level).padEnd(8)} {MainThread} [${
    escapeControl(module || "root")
  }] ${escapeControl(message)}`;
}

function renderDetail(detail: unknown): string {
  if (detail instanceof Error) return detail.stack ?? `${detail.name}: ${detail.message}`;
  if (typeof detail === "string") return detail;
  try {
    return Deno.inspect(detail, { depth: 4, breakLength: Infinity });
  } catch {
    return String(detail);
  }
}

export class Logger {
  readonly name: string;
  readonly #hub: LogHub;

  constructor(hub: LogHub, name: string) {
    this.#hub = hub;
    this.name = name;
  }

  isEnabledFor(level: LevelName): boolean {
    return LEVELS[level] >= this.#hub.effectiveLevel(this.name);
  }

  log(level: LevelName, message: string, ...details: unknown[]): void {
    this.#hub.emit(this.name, LEVELS[level], message, details);
  }

  critical(message: string, ...details: unknown[]): void {
    this.log("CRITICAL", message, ...details);
  }
  error(message: string, ...details: unknown[]): void {
    this.log("ERROR", message, ...details);
  }
  warning(message: string, ...details: unknown[]): void {
    this.log("WARNING", message, ...details);
  }
  info(message: string, ...details: unknown[]): void {
    this.log("INFO", message, ...details);
  }
  debug(message: string, ...details: unknown[]): void {
    this.log("DEBUG", message, ...details);
  }
  trace(message: string, ...details: unknown[]): void {
    this.log("TRACE", message, ...details);
  }
}

export class LogHub {
  readonly #levels = new Map<string, number>([["", LEVELS.WARNING], ["wca", LEVELS.INFO]]);
  readonly #loggers = new Map<string, Logger>();
  readonly #counts = new Map<string, { warnings: number; errors: number }>();
  readonly #write: (line: string) => void;
  readonly #now: () => Date;

  constructor(options: LogHubOptions = {}) {
    this.#write = options.write ?? writeStderr;
    this.#now = options.now ?? (() => new Date());
  }

  getLogger(name: string): Logger {
    let logger = this.#loggers.get(name);
    if (!logger) {
      logger = new Logger(this, name);
      this.#loggers.set(name, logger);
    }
    return logger;
  }

  /** Sets the level of `module` ("" is the root) and, by inheritance, of its children. */
  setLevel(module: string, level: LevelName): void {
    this.#levels.set(module, LEVELS[level]);
  }

  /** Applies levels in order; later entries win, so pass config first and command line last. */
  configure(levels: Iterable<readonly [string, LevelName]>): void {
    for (const [module, level] of levels) this.setLevel(module, level);
  }

  effectiveLevel(module: string): number {
    for (let name = module;; name = name.includes(".") ? name.slice(0, name.lastIndexOf(".")) : "") {
      const level = this.#levels.get(name);
      if (level !== undefined) return level;
      if (name === "") return LEVELS.WARNING;
    }
  }

  /** Counts every warning and error, even ones filtered out by level: silencing a module must not hide them. */
  emit(module: string, level: number, message: string, details: readonly unknown[]): void {
    if (level >= LEVELS.WARNING) {
      const counts = this.#counts.get(module) ?? { warnings: 0, errors: 0 };
      if (level >= LEVELS.ERROR) counts.errors++;
      else counts.warnings++;
      this.#counts.set(module, counts);
    }
    if (level < this.effectiveLevel(module)) return;
    const rest = details.length ? " " + details.map(renderDetail).join(" ") : "";
    this.#write(formatLine(this.#now(), level, module, message + rest));
  }

  counts(): ModuleCounts[] {
    return [...this.#counts].map(([module, c]) => ({ module, warnings: c.warnings, errors: c.errors }))
      .sort((a, b) => a.module.localeCompare(b.module));
  }

  /** The logger tree for WCA_DUMP_LOGGERS: every configured or created logger with its effective level. */
  dump(): string {
    const names = new Set<string>([""]);
    for (const name of [...this.#levels.keys(), ...this.#loggers.keys()]) {
      const parts = name.split(".");
      // Ancestors too, so the tree has no gaps.
      for (let i = 1; i <= parts.length && name; i++) names.add(parts.slice(0, i).join("."));
    }
    const lines = [...names].sort().map((name) => {
      const depth = name === "" ? 0 : name.split(".").length;
      const own = this.#levels.get(name);
      const effective = levelName(this.effectiveLevel(name));
      const source = own === undefined ? "inherited" : "set";
      return `${"  ".repeat(depth)}${escapeControl(name || "<root>")}: ${effective} (${source})`;
    });
    return lines.join("\n");
  }
}

export { LEVEL_NAMES };
