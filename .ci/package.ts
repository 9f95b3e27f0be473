/**
 * `deno task bundle` and `deno task compile`: build every entry point into dist/.
 * One list of entry points and their permissions, so the two stay in step.
 */
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

async function bundle(): Promise<number> {
  for (const entry of ENTRY_POINTS) {
    const out = `${DIST}/${entry.name}.js`;
    const { code } = await run(["bundle", "--quiet", "--platform", "deno", "-o", out, entry.source]);
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

if (import.meta.main) {
  const command = Deno.args[0];
  await Deno.mkdir(DIST, { recursive: true });
  if (command === "bundle") Deno.exit(await bundle());
  if (command === "compile") Deno.exit(await compile());
  console.error("usage: deno run -A .ci/package.ts bundle|compile");
  Deno.exit(2);
}

export { ENTRY_POINTS };
