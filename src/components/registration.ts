/**
 * `-r MODULE:Class` and `-r MODULE`: imports an external module and registers its component(s).
 * An external component runs inside the agent with the agent's privileges: it can read and write
 * whatever the agent can. Register only code you trust.
 */
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type ComponentClass, isRegisteredClass } from "./component.ts";
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

/** Imports the module and registers the named class, or every export marked with register(). */
export async function registerFrom(
  registry: Registry,
  argument: string,
  cwd = Deno.cwd(),
): Promise<string[]> {
  const spec = parseRegistration(argument, cwd);
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
