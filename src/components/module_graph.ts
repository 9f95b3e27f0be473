/**
 * -r's trust rule over a module's whole import graph, applied before anything imports it (importing
 * runs top-level code): every local file the module can load, through static imports, `export … from`
 * and literal `import()`, must pass the config file's trust rule, and so must every directory on the way
 * to each (src/config/trusted_open.ts). Code that is not a local file is refused, and so is an import()
 * whose target cannot be known before the module runs. The agent's own dependencies (bare names its
 * import map gives, locked with integrity in deno.lock, also when spelled as the exact `npm:` specifier
 * the import map holds, as src/mod.ts's own imports are) and Node's built-in modules are allowed.
 */
import { fileURLToPath, pathToFileURL } from "node:url";
import { Libc } from "../../ffi/mod.ts";
import { ConfigError } from "../config/errors.ts";
import { type FileOwner, openTrustedFile } from "../config/trusted_open.ts";
import { findImports, UncheckableImport } from "./module_imports.ts";

/**
 * The agent's own npm dependencies, exactly as deno.json's import map spells them (tests/components/
 * module_graph_test.ts keeps the two equal). The plugin API (src/mod.ts) imports zod by this full
 * specifier so that a plugin in a project of its own resolves it; it is the code the agent already runs.
 */
export const AGENT_NPM_SPECIFIERS: ReadonlySet<string> = new Set([
  "npm:@babel/parser@8.1.5",
  "npm:kafkajs@2.2.4",
  "npm:yaml@2.9.1",
  "npm:zod@4.6.7",
]);

/** Why a specifier with this scheme is never loaded by -r. */
const REFUSED_SCHEMES: Readonly<Record<string, string>> = {
  "http:": "code from the network is not loaded: anyone on the path to the server could change what " +
    "runs as root; copy the module to a local file",
  "https:": "code from the network is not loaded: whoever controls the server decides what runs as " +
    "root; copy the module to a local file",
  "data:": "inline code is not loaded: it is not a file the trust rule can check; put it in a local file",
  "blob:": "inline code is not loaded: it is not a file the trust rule can check; put it in a local file",
  "npm:": "registry packages are not loaded by -r: what they run is decided off this host; copy the " +
    "code into local files",
  "jsr:": "registry packages are not loaded by -r: what they run is decided off this host; copy the " +
    "code into local files",
};

/** A refusal: the message says which file, which import and why. */
export class ModuleRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModuleRefused";
  }
}

/** Why `specifier` (a -r argument or an import) may not be loaded at all, or undefined. */
export function refusedScheme(specifier: string): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*:)/i.exec(specifier)?.[1]?.toLowerCase();
  if (scheme === undefined || scheme === "file:" || scheme === "node:") return undefined;
  return REFUSED_SCHEMES[scheme] ?? `the ${scheme} scheme is not a local file`;
}

type Resolved = { kind: "file"; url: URL } | { kind: "allowed" } | { kind: "refused"; reason: string };

/** Where an import of `specifier` from the module at `from` leads. */
function resolveImport(specifier: string, from: URL): Resolved {
  if (AGENT_NPM_SPECIFIERS.has(specifier)) return { kind: "allowed" };
  const refused = refusedScheme(specifier);
  if (refused) return { kind: "refused", reason: refused };
  if (/^node:/i.test(specifier)) return { kind: "allowed" };
  if (/^(file:|\.{0,2}\/)/i.test(specifier)) return { kind: "file", url: new URL(specifier, from) };
  // A bare name: allowed when the agent's own import map resolves it (it is then one of the agent's
  // locked dependencies, the same code the agent runs), or it names a Node built-in.
  try {
    import.meta.resolve(specifier);
    return { kind: "allowed" };
  } catch {
    return {
      kind: "refused",
      reason:
        "it is neither a path nor one of the agent's dependencies; import local code by a relative path",
    };
  }
}

export interface ModuleGraphOptions {
  owner?: FileOwner;
}

/**
 * Checks the module at `entry` (a file: URL) and everything it imports; returns the checked files,
 * entry first. Throws ModuleRefused (no code of the graph has run) at the first problem.
 */
export async function checkModuleGraph(entry: URL, options: ModuleGraphOptions = {}): Promise<string[]> {
  let libc: Libc;
  try {
    libc = new Libc();
  } catch (error) {
    throw new ModuleRefused(`its imports cannot be checked: ${(error as Error).message}`);
  }
  try {
    const checked: string[] = [];
    const seen = new Set<string>();
    const queue: Array<{ url: URL; importedBy?: string }> = [{ url: entry }];
    for (let item = queue.shift(); item; item = queue.shift()) {
      const path = fileURLToPath(item.url);
      const what = item.importedBy ? `Module ${path} (imported by ${item.importedBy})` : `Module ${path}`;
      let text: string;
      let real: string;
      try {
        const file = openTrustedFile(what, path, { owner: options.owner, libc });
        real = file.path;
        if (seen.has(real)) continue;
        seen.add(real);
        checked.push(real);
        if (/\.json$/i.test(path)) continue;
        if (/\.wasm$/i.test(path)) {
          throw new ModuleRefused(`${what} is WebAssembly; -r loads JavaScript and TypeScript`);
        }
        text = new TextDecoder().decode(file.bytes);
      } catch (error) {
        if (error instanceof ConfigError) throw new ModuleRefused(error.message);
        throw error;
      }
      let imports;
      try {
        imports = await findImports(path, text);
      } catch (error) {
        if (!(error instanceof UncheckableImport)) throw error;
        throw new ModuleRefused(`${path}:${error.line}:${error.col}: ${error.message}`);
      }
      // Resolved against the URL the runtime will use, so `..` means what it means to the import.
      const base = pathToFileURL(path);
      for (const found of imports) {
        const resolved = resolveImport(found.specifier, base);
        if (resolved.kind === "refused") {
          throw new ModuleRefused(
            `${path}:${found.line}:${found.col}: import '${found.specifier}': ${resolved.reason}`,
          );
        }
        if (resolved.kind === "file") queue.push({ url: resolved.url, importedBy: path });
      }
    }
    return checked;
  } finally {
    libc.unload();
  }
}
