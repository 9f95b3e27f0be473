/**
 * `-r MODULE:Class` and `-r MODULE`: imports an external module and registers its component(s).
 * An external component runs inside the agent with the agent's privileges: it can read and write
 * whatever the agent can. The module and every file it imports must pass the config file's trust rule
 * before it is imported, because importing already runs top-level code (module_graph.ts).
 */
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { FileOwner } from "../config/file_checks.ts";
import { type ComponentClass, isRegisteredClass } from "./component.ts";
import { checkModuleGraph, ModuleRefused, refusedScheme } from "./module_graph.ts";
import { type Registry, RegistryError } from "./registry.ts";

export interface RegistrationSpec {
  /** What import() receives. */
  readonly specifier: string;
  /** The export to register; undefined means "every export marked with register()". */
  readonly className: string | undefined;
}

const SCHEMES = ["file", "npm", "jsr", "http", "https", "node", "data"];
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Splits `path/to/module.ts:Class`, `file:///m.ts:Class`, `npm:pkg:Class` or a bare module. */
export function parseRegistration(argument: string, cwd: string): RegistrationSpec {
  const text = argument.trim();
  if (!text) throw new RegistryError("-r needs MODULE:ClassName, e.g. -r ./my_storage.ts:MyStorage");
  const colon = text.lastIndexOf(":");
  let module = text;
  let className: string | undefined;
  if (colon > 0) {
    const before = text.slice(0, colon);
    const after = text.slice(colon + 1);
    const beforeIsScheme = SCHEMES.includes(before.toLowerCase());
    if (!beforeIsScheme && IDENTIFIER.test(after)) {
      module = before;
      className = after;
    } else if (!beforeIsScheme && after === "") {
      throw new RegistryError(`-r ${argument}: missing class name after ':'`);
    }
  }
  return { specifier: toSpecifier(module, cwd), className };
}

function toSpecifier(module: string, cwd: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(module)?.[1]?.toLowerCase();
  if (scheme && SCHEMES.includes(scheme)) return module;
  const path = isAbsolute(module) ? module : resolve(cwd, module);
  return pathToFileURL(path).href;
}

function describeExports(module: Record<string, unknown>): string {
  const names = Object.keys(module).filter((name) => typeof module[name] === "function");
  return names.length ? names.join(", ") : "no classes";
}

/**
 * Applies the trust rule to a local module and everything it imports before anything imports it.
 * Anything but a local file (http:, https:, data:, blob:, npm:, jsr: …) is refused.
 */
export async function checkModule(argument: string, specifier: string, owner: FileOwner = {}): Promise<void> {
  const refused = refusedScheme(specifier);
  if (refused || !specifier.toLowerCase().startsWith("file:")) {
    throw new RegistryError(
      `-r ${argument}: ${specifier} was not imported: ${refused ?? "-r loads local files only"}`,
    );
  }
  let path: string;
  try {
    path = fileURLToPath(specifier);
  } catch (error) {
    throw new RegistryError(
      `-r ${argument}: ${specifier} is not a local file path: ${(error as Error).message}`,
    );
  }
  try {
    await checkModuleGraph(new URL(specifier), { owner });
  } catch (error) {
    if (!(error instanceof ModuleRefused)) throw error;
    if (error.message === `Module ${path} does not exist`) {
      throw new RegistryError(
        `-r ${argument}: cannot import ${specifier}: Module not found (no file ${path})`,
      );
    }
    throw new RegistryError(`-r ${argument}: ${error.message}; it was not imported`);
  }
}

export interface RegisterOptions {
  /** Relative module paths are resolved against this; default: the working directory. */
  cwd?: string;
  /** Who may own local modules besides root; default: the current user. */
  owner?: FileOwner;
}

/** Imports the module and registers the named class, or every export marked with register(). */
export async function registerFrom(
  registry: Registry,
  argument: string,
  options: RegisterOptions = {},
): Promise<string[]> {
  const spec = parseRegistration(argument, options.cwd ?? Deno.cwd());
  await checkModule(argument, spec.specifier, options.owner);
  let module: Record<string, unknown>;
  try {
    module = await import(spec.specifier);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new RegistryError(`-r ${argument}: cannot import ${spec.specifier}: ${reason}`);
  }
  if (spec.className) {
    const value = module[spec.className];
    if (value === undefined) {
      throw new RegistryError(
        `-r ${argument}: ${spec.specifier} has no export '${spec.className}' (it exports: ${
          describeExports(module)
        })`,
      );
    }
    if (typeof value !== "function") {
      throw new RegistryError(`-r ${argument}: export '${spec.className}' is not a class`);
    }
    registry.add(spec.className, value as ComponentClass, `-r ${argument}`);
    return [spec.className];
  }
  const marked = Object.entries(module).filter(([, value]) => isRegisteredClass(value));
  if (!marked.length) {
    throw new RegistryError(
      `-r ${argument}: ${spec.specifier} exports no class marked with register(); ` +
        `name one with -r ${argument}:ClassName`,
    );
  }
  for (const [name, cls] of marked) registry.add(name, cls as ComponentClass, `-r ${argument}`);
  return marked.map(([name]) => name);
}
