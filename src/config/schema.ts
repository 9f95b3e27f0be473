/**
 * Parameter types shared by component schemas. Each returns a zod schema whose failure message reads as
 * the "expected …" half of a config error: `… for field 'x' in !Class: expected an absolute path`.
 */
import { resolve as resolvePath } from "node:path";
// deno-lint-ignore no-import-prefix -- fully specified, so a plugin outside this repository (another deno.json) resolves it
import { z } from "npm:zod@4.6.7";
import { type ComponentInterface, describeInterface, implementsInterface } from "../components/interfaces.ts";

export { z };

/** A string of at most `max` characters (default 1024): no unbounded input reaches the agent. */
export function text(max = 1024) {
  return z.string({ error: "expected a string" }).max(max, { error: `expected at most ${max} characters` });
}

export interface PathOptions {
  /** Also require that the path exists and can be read now. */
  readable?: boolean;
}

// C0 controls, DEL and C1 controls: a newline or an escape sequence in a path forges log lines.
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Why `value` cannot be a path name, or undefined: control characters and text that was not valid UTF-8. */
export function pathTextProblem(value: string): string | undefined {
  const control = CONTROL.exec(value);
  if (control) {
    const code = control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
    return `expected a path without control characters (U+${code} at character ${control.index + 1})`;
  }
  // A file read as UTF-8 turns undecodable bytes into U+FFFD; escapes and !Env can yield lone surrogates.
  const replacement = value.indexOf("\uFFFD");
  if (replacement >= 0 || !value.isWellFormed()) {
    const at = replacement >= 0 ? ` (U+FFFD at character ${replacement + 1})` : "";
    return `expected a path in valid UTF-8${at}`;
  }
  return undefined;
}

function checkReadable(value: string, ctx: z.RefinementCtx): void {
  try {
    Deno.statSync(value);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound ? "it does not exist" : String(error);
    ctx.addIssue({ code: "custom", message: `expected a readable path, but ${reason}` });
  }
}

/** An absolute path without `..` segments: for fields where a path relative to the working directory makes no sense. */
export function absolutePath(options: PathOptions = {}) {
  return text(4096).superRefine((value, ctx) => {
    const problem = pathTextProblem(value);
    if (problem) {
      ctx.addIssue({ code: "custom", message: problem });
    } else if (!value.startsWith("/")) {
      ctx.addIssue({ code: "custom", message: "expected an absolute path (starting with /)" });
    } else if (value.split("/").includes("..")) {
      ctx.addIssue({ code: "custom", message: "expected a path without '..' segments" });
    } else if (options.readable) {
      checkReadable(value, ctx);
    }
  });
}

/**
 * A file path, absolute or relative; a relative one is resolved against the working directory when the
 * config is loaded (as WCA does), so the component always receives an absolute path.
 */
export function path(options: PathOptions & { cwd?: () => string } = {}) {
  const cwd = options.cwd ?? (() => Deno.cwd());
  return text(4096).transform((value, ctx) => {
    const problem = value === "" ? "expected a path, not an empty string" : pathTextProblem(value);
    if (problem) {
      ctx.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    }
    const resolved = resolvePath(cwd(), value);
    if (options.readable) checkReadable(resolved, ctx);
    return resolved;
  });
}

/** A regular expression, checked by compiling it. */
export function regex(max = 4096) {
  return text(max).refine((value) => {
    try {
      new RegExp(value);
      return true;
    } catch {
      return false;
    }
  }, { error: "expected a regular expression" });
}

/** A cgroup path without "." or ".." segments; `absolute` also requires the leading "/". */
export function cgroupPath(options: { absolute?: boolean } = {}) {
  const expected = options.absolute
    ? "expected an absolute cgroup path without '.' or '..' segments (e.g. /system.slice)"
    : "expected a cgroup path without '.' or '..' segments";
  return text(4096).superRefine((value, ctx) => {
    const problem = pathTextProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
    else if (
      (options.absolute && !value.startsWith("/")) || value.split("/").some((s) => s === "." || s === "..")
    ) ctx.addIssue({ code: "custom", message: expected });
  });
}

/** A URL whose scheme is one of `schemes` (given without the colon). */
export function url(schemes: readonly string[] = ["http", "https"]) {
  const allowed = schemes.map((s) => `${s}:`);
  return text(2048).superRefine((value, ctx) => {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: `expected a URL (${schemes.join(" or ")})` });
      return;
    }
    if (!allowed.includes(parsed.protocol)) {
      ctx.addIssue({ code: "custom", message: `expected a URL with scheme ${schemes.join(" or ")}` });
    }
  });
}

const HOSTNAME =
  /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export interface HostPort {
  host: string;
  port: number;
}

/** Parses `host:port`, `1.2.3.4:port` or `[::1]:port`; returns undefined when malformed. */
export function parseHostPort(value: string): HostPort | undefined {
  const bracketed = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(value);
  const plain = /^([^:[\]]+):(\d{1,5})$/.exec(value);
  const match = bracketed ?? plain;
  if (!match) return undefined;
  const host = match[1]!;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return undefined;
  if (bracketed) {
    try {
      new URL(`http://[${host}]/`);
    } catch {
      return undefined;
    }
  } else if (!IPV4.test(host) && !(HOSTNAME.test(host) && !/^[\d.]+$/.test(host))) {
    return undefined;
  }
  return { host, port };
}

/** `host:port` with a hostname, IPv4 address or bracketed IPv6 address, port 1–65535. */
export function hostPort() {
  return text(300).refine((value) => parseHostPort(value) !== undefined, {
    error: "expected host:port (hostname, IPv4 or [IPv6] address, port 1-65535)",
  });
}

/** A number within [min, max]. */
export function number(min = -Infinity, max = Infinity) {
  return z.number({ error: "expected a number" }).min(min, { error: `expected a number >= ${min}` })
    .max(max, { error: `expected a number <= ${max}` });
}

/** An integer within [min, max]. */
export function integer(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) {
  return z.number({ error: "expected an integer" }).int({ error: "expected an integer" })
    .min(min, { error: `expected an integer >= ${min}` }).max(max, {
      error: `expected an integer <= ${max}`,
    });
}

export function boolean() {
  return z.boolean({ error: "expected true or false" });
}

/** One of the listed strings. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `expected one of: ${values.join(", ")}` });
}

/** A nested component that implements `iface` (checked structurally). */
export function component<T>(iface: ComponentInterface) {
  return z.custom<T>((value) => implementsInterface(value, iface), {
    error: `expected ${describeInterface(iface)}`,
  });
}

/** A mapping of string keys to values of `value`. */
export function mapOf<V extends z.ZodType>(value: V, maxKeyLength = 256) {
  return z.record(text(maxKeyLength), value, { error: "expected a mapping" });
}

/** A list of `item`, at most `max` long. */
export function listOf<V extends z.ZodType>(item: V, max = 100_000) {
  return z.array(item, { error: "expected a list" }).max(max, { error: `expected at most ${max} items` });
}

/** Shorthand for the usual component parameter object: unknown fields are errors. */
export function params<S extends z.ZodRawShape>(shape: S) {
  return z.strictObject(shape);
}
