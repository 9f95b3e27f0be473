/**
 * Parameter types shared by component schemas. Each returns a zod schema whose failure message reads as
 * the "expected …" half of a config error: `… for field 'x' in !Class: expected an absolute path`.
 */
import { z } from "zod";
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

/** An absolute path without `..` segments. */
export function absolutePath(options: PathOptions = {}) {
  return text(4096).superRefine((value, ctx) => {
    if (!value.startsWith("/")) {
      ctx.addIssue({ code: "custom", message: "expected an absolute path (starting with /)" });
    } else if (value.split("/").includes("..")) {
      ctx.addIssue({ code: "custom", message: "expected a path without '..' segments" });
    } else if (options.readable) {
      try {
        Deno.statSync(value);
      } catch (error) {
        const reason = error instanceof Deno.errors.NotFound ? "it does not exist" : String(error);
        ctx.addIssue({ code: "custom", message: `expected a readable path, but ${reason}` });
      }
    }
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
  return text(4096).refine(
    (value) =>
      (!options.absolute || value.startsWith("/")) && !value.split("/").some((s) => s === "." || s === ".."),
    { error: expected },
  );
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
