/**
 * `deno task bundle` and `deno task compile`: build every entry point into dist/.
 * One list of entry points and their permissions, so the two stay in step.
 */
interface EntryPoint {
  readonly name: string;
  readonly source: string;
  readonly permissions: readonly string[];
  /** Deno/V8 flags the executable runs with (compile bakes them in; the bundle hint prints them). */
  readonly runtimeFlags?: readonly string[];
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

/** A wrapper runs any --command, serves HTTP, reads its flags' files and writes the output file. */
export const WRAPPER_PERMISSIONS: readonly string[] = [
  "--allow-run",
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  // KafkaStorage (--kafka_brokers) keys messages by host name; kafkajs reads the OS release.
  "--allow-sys=hostname,osRelease",
];

const ENTRY_POINTS: readonly EntryPoint[] = [
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
  { name: "wrapper", source: "src/wrapper/main.ts", permissions: WRAPPER_PERMISSIONS },
  {
    name: "wca-kafka-consumer",
    source: "src/kafka_consumer/main.ts",
    // Brokers and the HTTP port (net), certificates (read), kafkajs' environment and host name.
    permissions: ["--allow-net", "--allow-read", "--allow-env", "--allow-sys=hostname,osRelease"],
  },
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
      `bundled ${entry.source} -> ${out} (run it with: deno run ${
        [...entry.permissions, ...(entry.runtimeFlags ?? [])].join(" ")
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
      ...(entry.runtimeFlags ?? []),
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
