/**
 * `deno task bundle` and `deno task compile`: build every entry point into dist/.
 * One list of entry points and their permissions, so the two stay in step.
 */
const ENTRY_POINTS = [
  {
    name: "wca",
    source: "src/main.ts",
    // Deno grants reads of /sys and most of /proc only with --allow-all (and --allow-ffi, needed for perf
    // counters, is all-access anyway). The agent's least privilege is the OS user it runs as.
    permissions: ["--allow-all"],
    // A 1 MiB young generation (V8 grows it to 16 MiB): about 60 MiB less RSS at 1000 tasks and no more
    // CPU (docs/benchmarks.md). Also in deno.json's wca task.
    runtimeFlags: ["--v8-flags=--max-semi-space-size=1"],
  },
] as const;

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
      `bundled ${entry.source} -> ${out} (run it with: deno run ${
        [...entry.permissions, ...entry.runtimeFlags].join(" ")
      } ${out})`,
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
      ...entry.runtimeFlags,
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
