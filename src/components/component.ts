/**
 * What a component is: a class the YAML config can construct with `!ClassName`.
 *
 * A component declares its parameters as a zod schema in `static schema`; the config loader validates
 * the YAML mapping against it (reporting file:line:col) and passes the parsed object to the constructor.
 * A class without a schema takes no parameters.
 */
// deno-lint-ignore no-import-prefix -- fully specified, so a plugin outside this repository (another deno.json) resolves it
import type { z } from "npm:zod@4.6.7";
import type { HostPaths } from "../platform/host_paths.ts";
import type { Lifecycle } from "./lifecycle.ts";

// deno-lint-ignore no-explicit-any
export type AnySchema = z.ZodType<any, any>;

/** What every component is constructed with besides its parameters: where the host's files are. */
export interface ComponentContext {
  readonly hostPaths: HostPaths;
  /**
   * Closes the components the config constructed, at shutdown. Absent when a component is built by hand
   * (tests): then whoever built it closes it.
   */
  readonly lifecycle?: Lifecycle;
}

export interface ComponentClass {
  readonly name: string;
  // deno-lint-ignore no-explicit-any
  new (params: any, context: ComponentContext): object;
  /** Parameters; usually a `z.object({...})`, strict. */
  readonly schema?: AnySchema;
  /** Parameter that a tagged scalar fills: `!Env HOME` sets `name` when scalarParam is "name". */
  readonly scalarParam?: string;
  /** One line for docs and for the "available tags" list. */
  readonly description?: string;
}

/** Marks classes registered by `register()`; a global symbol so copies of this module agree. */
export const REGISTERED = Symbol.for("wca.component.registered");

/**
 * Marks a class as a component. A module given to `-r path/to/module.ts` (without `:Class`) has every
 * exported class marked this way registered. Works as a plain call or as a decorator (`@register`).
 */
export function register<T extends ComponentClass>(cls: T, _context?: unknown): T {
  Object.defineProperty(cls, REGISTERED, { value: true, enumerable: false });
  return cls;
}

export function isRegisteredClass(value: unknown): value is ComponentClass {
  return typeof value === "function" && (value as unknown as Record<symbol, unknown>)[REGISTERED] === true;
}
