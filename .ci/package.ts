/**
 * `deno task bundle`, `deno task compile` and `deno task package`: build the entry points into dist/.
 * One list of entry points and their permissions, so the three stay in step.
 *
 *   deno task package [NAME…]   one self-contained file per entry point (all without names), offline
 */
import { type PayloadFile, payloadFile, selfExtracting } from "./self_extracting.ts";
import denoJson from "../deno.json" with { type: "json" };
import { ENTRY_POINT_FLAGS } from "../src/cli/permissions.ts";

interface EntryPoint {
  readonly name: string;
  readonly source: string;
  /** Every Deno flag the executable runs with (compile bakes them in; the bundle hint prints them). */
  readonly permissions: readonly string[];
}

/**
 * Workload wrappers: `dist/wrapper-<name>` from `workloads/<name>/parser.ts`. Adding a workload is
 * adding its name here (docs/wrappers.md: "Adding a workload parser").
 */
export const WORKLOADS: readonly string[] = [
  "stress-ng",
  "ycsb",
  "rpc-perf",
  "mutilate",
  "memtier_benchmark",
  "specjbb",
  "cassandra-stress",
];

/** The flags of src/cli/permissions.ts; every workload wrapper runs with the wrapper's. */
export const WRAPPER_PERMISSIONS: readonly string[] = ENTRY_POINT_FLAGS.wrapper.flags;

const ENTRY_POINTS: readonly EntryPoint[] = [
  ...Object.entries(ENTRY_POINT_FLAGS).map(([name, entry]) => ({
    name,
    source: entry.source,
    permissions: entry.flags,
  })),
  ...WORKLOADS.map((workload) => ({
    name: `wrapper-${workload}`,
    source: `workloads/${workload}/parser.ts`,
    permissions: WRAPPER_PERMISSIONS,
  })),
];

const DIST = "dist";

async function run(args: string[]): Promise<{ code: number; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), { args, stdout: "inherit", stderr: "piped" }).spawn();
  const output = await child.output();
  const stderr = new TextDecoder().decode(output.stderr);
  await Deno.stderr.write(output.stderr);
  return { code: output.code, stderr };
}

/** deno compile downloads its runtime (denort) unless DENORT_BIN names one. */
function explainCompileFailure(stderr: string): string | undefined {
  if (!/denort|dl\.deno\.land|base binary/i.test(stderr)) return undefined;
  const version = Deno.version.deno;
  return [
    `deno compile could not get its runtime (denort ${version}): this machine cannot download it.`,
    `Either run 'deno task compile' where https://dl.deno.land is reachable, or set DENORT_BIN to a`,
    `denort ${version} binary for this platform (from denort-<target>.zip of the Deno ${version} release)`,
    `and run it again. 'deno task bundle' builds the same entry points without that download.`,
  ].join("\n");
}

/**
 * The flags a packaged file runs `deno run` with: the entry point's (src/cli/permissions.ts), and
 * --no-prompt where they lack it, so no terminal can grant more than they do.
 */
export function runFlags(entry: EntryPoint): string[] {
  const flags = [...entry.permissions];
  return flags.includes("--no-prompt") ? flags : [...flags, "--no-prompt"];
}

function bundleOne(entry: EntryPoint): Promise<{ code: number }> {
  return run(["bundle", "--quiet", "--platform", "deno", "-o", `${DIST}/${entry.name}.js`, entry.source]);
}

async function bundle(): Promise<number> {
  for (const entry of ENTRY_POINTS) {
    const out = `${DIST}/${entry.name}.js`;
    const { code } = await bundleOne(entry);
    if (code !== 0) return code;
    console.log(
      `bundled ${entry.source} -> ${out} (run it with: deno run ${entry.permissions.join(" ")} ${out})`,
    );
  }
  return 0;
}

async function compile(): Promise<number> {
  for (const entry of ENTRY_POINTS) {
    const out = `${DIST}/${entry.name}`;
    const args = [
      "compile",
      "--quiet",
      ...entry.permissions,
      "--output",
      out,
      entry.source,
    ];
    const { code, stderr } = await run(args);
    if (code !== 0) {
      const explanation = explainCompileFailure(stderr);
      if (explanation) console.error(`\n${explanation}`);
      return code;
    }
    console.log(`compiled ${entry.source} -> ${out}`);
  }
  return 0;
}

/**
 * The Deno runtime packed into each file: WCA_DENO_RUNTIME, else the binary running this task (from the
 * npm `deno` package under npx). Its version is the one the program was bundled and tested with.
 */
async function runtimeBinary(): Promise<{ path: string; bytes: Uint8Array } | string> {
  const path = Deno.env.get("WCA_DENO_RUNTIME") ?? Deno.execPath();
  const bytes = await Deno.readFile(path);
  const elf = bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
  if (!elf) return `${path} is not a Linux executable (set WCA_DENO_RUNTIME to a deno binary)`;
  return { path, bytes };
}

/** Bundles `source` (a path or a module's text) and returns the bytes. */
async function bundled(source: string, out: string): Promise<Uint8Array | number> {
  const { code } = await run(["bundle", "--quiet", "--platform", "deno", "-o", out, source]);
  return code === 0 ? await Deno.readFile(out) : code;
}

/**
 * What every package carries besides the runtime and its program, for `-r` modules offline: the plugin
 * API bundled as `@wca/wca`, and zod and yaml (which src/mod.ts and its imports name bare), all mapped
 * by import_map.json.
 */
async function pluginApiFiles(): Promise<PayloadFile[] | number> {
  const out = await Deno.makeTempDir({ prefix: "wca-plugin-api-" });
  try {
    return await pluginApiFilesIn(out);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

async function pluginApiFilesIn(out: string): Promise<PayloadFile[] | number> {
  const files: PayloadFile[] = [];
  const vendor: Record<string, string> = {
    "@wca/wca": "src/mod.ts",
    zod: `${out}/vendor-zod.ts`,
    yaml: `${out}/vendor-yaml.ts`,
  };
  await Deno.writeTextFile(vendor.zod!, 'export * from "zod";\n');
  await Deno.writeTextFile(vendor.yaml!, 'export * from "yaml";\nexport { default } from "yaml";\n');
  const imports: Record<string, string> = {};
  for (const [specifier, source] of Object.entries(vendor)) {
    const file = `${specifier.replace(/\W/g, "_")}.js`;
    const bytes = await bundled(source, `${out}/${file}`);
    if (typeof bytes === "number") return bytes;
    files.push(await payloadFile(file, bytes, "444"));
    imports[specifier] = `./${file}`;
    // The source names them by their full npm specifier too (`npm:zod@4.6.7`, deno.json's value).
    const full = (denoJson.imports as Record<string, string>)[specifier];
    if (full) imports[full] = `./${file}`;
  }
  const map = new TextEncoder().encode(JSON.stringify({ imports }, null, 2) + "\n");
  files.push(await payloadFile("import_map.json", map, "444"));
  return files;
}

/** `package [--out DIR] [NAME…]`: the named entry points (all without names) into DIR (default dist/). */
async function packageAll(args: readonly string[]): Promise<number> {
  const outAt = args.indexOf("--out");
  const out = outAt >= 0 ? args[outAt + 1] ?? DIST : DIST;
  const names = outAt >= 0 ? args.filter((_, i) => i !== outAt && i !== outAt + 1) : args;
  const unknown = names.filter((name) => !ENTRY_POINTS.some((entry) => entry.name === name));
  if (unknown.length) {
    const known = ENTRY_POINTS.map((e) => e.name).join(" ");
    console.error(`unknown entry point ${unknown.join(", ")}; known: ${known}`);
    return 2;
  }
  await Deno.mkdir(out, { recursive: true });
  const runtime = await runtimeBinary();
  if (typeof runtime === "string") {
    console.error(runtime);
    return 1;
  }
  const shared = [await payloadFile("deno", runtime.bytes, "555")];
  const api = await pluginApiFiles();
  if (typeof api === "number") return api;
  shared.push(...api);
  const work = await Deno.makeTempDir({ prefix: "wca-package-" });
  try {
    return await packageEach(names, { out, work, shared, runtimePath: runtime.path });
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}

async function packageEach(
  names: readonly string[],
  { out, work, shared, runtimePath }: {
    out: string;
    work: string;
    shared: PayloadFile[];
    runtimePath: string;
  },
): Promise<number> {
  for (const entry of ENTRY_POINTS.filter((e) => names.length === 0 || names.includes(e.name))) {
    const program = await bundled(entry.source, `${work}/${entry.name}.js`);
    if (typeof program === "number") return program;
    const file = await selfExtracting({
      name: entry.name,
      version: denoJson.version,
      runFlags: runFlags(entry),
      files: [...shared, await payloadFile(`${entry.name}.js`, program, "444")],
    });
    const path = `${out}/${entry.name}`;
    const temporary = `${path}.${Deno.pid}.tmp`;
    await Deno.writeFile(temporary, file);
    await Deno.chmod(temporary, 0o755);
    await Deno.rename(temporary, path);
    const mib = (file.length / 2 ** 20).toFixed(1);
    console.log(`packaged ${entry.source} -> ${path} (${mib} MiB, runtime ${runtimePath})`);
  }
  return 0;
}

/** Packages `names` into a new temporary directory and returns it; throws when the build fails. */
export async function packageInto(names: readonly string[]): Promise<string> {
  const out = await Deno.makeTempDir({ prefix: "wca-packaged-" });
  const code = await packageAll(["--out", out, ...names]);
  if (code !== 0) throw new Error(`deno task package ${names.join(" ")} failed (exit ${code})`);
  return out;
}

if (import.meta.main) {
  const command = Deno.args[0];
  await Deno.mkdir(DIST, { recursive: true });
  if (command === "bundle") Deno.exit(await bundle());
  if (command === "compile") Deno.exit(await compile());
  if (command === "package") Deno.exit(await packageAll(Deno.args.slice(1)));
  console.error("usage: deno run -A .ci/package.ts bundle|compile|package [--out DIR] [NAME…]");
  Deno.exit(2);
}

export { ENTRY_POINTS };
