/**
 * The layering gate (`deno task check`): an import may only point down the list of layers in
 * docs/architecture.md, or stay in its own layer. Type-only imports count too: a contract that names a
 * higher layer's type ties the two together as much as a call does.
 *
 *   deno run --allow-read .ci/layers.ts        # prints violations, exits 1 when there are any
 */

/** Lowest first. A path belongs to the first entry whose prefix it starts with. */
export const LAYERS: ReadonlyArray<{ readonly name: string; readonly prefixes: readonly string[] }> = [
  { name: "ffi", prefixes: ["ffi/"] },
  {
    name: "platform, metrics, logging",
    prefixes: ["src/platform/", "src/metrics/", "src/logging/", "src/version.ts"],
  },
  {
    name: "config, components, cli, plugin API",
    prefixes: ["src/config/", "src/components/", "src/cli/", "src/mod.ts"],
  },
  { name: "sources", prefixes: ["src/sources/", "src/perf/"] },
  {
    name: "nodes, storages, detectors, allocators, allocations",
    prefixes: ["src/nodes/", "src/storages/", "src/detectors/", "src/allocators/", "src/allocations/"],
  },
  { name: "runners", prefixes: ["src/runners/"] },
  { name: "composition root", prefixes: ["src/builtins.ts"] },
  { name: "entry point", prefixes: ["src/main.ts", "src/kafka_consumer/"] },
  { name: "workload wrappers", prefixes: ["src/wrapper/", "workloads/"] },
];

export function layerOf(path: string): number | undefined {
  const index = LAYERS.findIndex((layer) => layer.prefixes.some((prefix) => path.startsWith(prefix)));
  return index < 0 ? undefined : index;
}

// `import … from "x"`, `export … from "x"`, `import "x"`, `import("x")`; comments are not parsed away,
// but our comments do not spell import statements.
const SPECIFIER =
  /(?:^|\n)\s*(?:import|export)\b[^;"'`]*?\bfrom\s*["']([^"']+)["']|(?:^|\n)\s*import\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** Relative specifiers of a module's imports. */
export function importsOf(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(SPECIFIER)) {
    const specifier = match[1] ?? match[2] ?? match[3];
    if (specifier?.startsWith(".")) found.push(specifier);
  }
  return found;
}

/** Resolves `specifier` relative to the file `from` (both repository-relative, "/"-separated). */
export function resolve(from: string, specifier: string): string {
  const parts = from.split("/").slice(0, -1);
  for (const part of specifier.split("/")) {
    if (part === "." || part === "") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return parts.join("/");
}

export interface Violation {
  readonly file: string;
  readonly imports: string;
  readonly message: string;
}

/** Every import that points up the layers, for files given as repository path → source text. */
export function layerViolations(files: ReadonlyMap<string, string>): Violation[] {
  const violations: Violation[] = [];
  for (const [file, text] of files) {
    const from = layerOf(file);
    if (from === undefined) continue;
    for (const specifier of importsOf(text)) {
      const target = resolve(file, specifier);
      const to = layerOf(target);
      if (to === undefined || to <= from) continue;
      violations.push({
        file,
        imports: target,
        message: `${file} (${LAYERS[from]!.name}) imports ${target} (${LAYERS[to]!.name}), a higher layer`,
      });
    }
  }
  return violations;
}

function collect(root: string, dir: string, into: Map<string, string>): void {
  for (const entry of Deno.readDirSync(`${root}/${dir}`)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) collect(root, path, into);
    else if (path.endsWith(".ts")) into.set(path, Deno.readTextFileSync(`${root}/${path}`));
  }
}

if (import.meta.main) {
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const files = new Map<string, string>();
  for (const dir of ["ffi", "src", "workloads"]) collect(root, dir, files);
  const violations = layerViolations(files);
  for (const v of violations) console.error(`layers: ${v.message}`);
  if (violations.length) {
    console.error(`layers: ${violations.length} import(s) point up the layers (docs/architecture.md)`);
    Deno.exit(1);
  }
  console.log(`layers: ${files.size} files, every import points down or within its layer`);
}
