/**
 * The Deno flags each binary runs with: one list, used by `deno task compile|bundle` (.ci/package.ts),
 * by deno.json's tasks (tests/cli/permissions_test.ts keeps them equal) and by the tests that start the
 * binaries. docs/security.md explains each choice.
 *
 * Deno refuses reads of /proc and /sys (and stat, readDir) to anything less than --allow-all, and any
 * deny flag or revoked permission takes that away (measured with Deno 2.9.6); so the agent reads host
 * files through ffi/ and runs with named permissions. FFI makes a process as strong as its OS user:
 * these flags are defence in depth, not a sandbox.
 */

export interface EntryPointFlags {
  /** The deno.json task that runs it from the source tree. */
  readonly task: string;
  /** The module `deno run` / `deno compile` starts. */
  readonly source: string;
  /** Permission flags, then runtime flags, in the order deno.json's task spells them. */
  readonly flags: readonly string[];
}

/**
 * Never granted to the agent or the consumer: starting processes (only the wrapper runs its workload)
 * and importing code over the network (Deno otherwise allows a default list of hosts). With --no-prompt
 * a terminal cannot grant them either.
 */
const NO_REMOTE_CODE = ["--deny-import", "--no-prompt"] as const;

export const ENTRY_POINT_FLAGS = {
  wca: {
    task: "wca",
    source: "src/main.ts",
    // Host files go through ffi/ (platform/host_fs.ts), so named permissions suffice; config, rules,
    // output and certificate paths are the user's choice, hence unscoped read and write.
    flags: [
      "--allow-read",
      "--allow-write",
      "--allow-net",
      "--allow-env",
      "--allow-sys",
      "--allow-ffi",
      "--deny-run",
      ...NO_REMOTE_CODE,
      // A 1 MiB young generation (V8 grows it to 16 MiB): about 60 MiB less RSS at 1000 tasks and no
      // more CPU (docs/benchmarks.md).
      "--v8-flags=--max-semi-space-size=1",
    ],
  },
  "wca-kafka-consumer": {
    task: "kafka-consumer",
    source: "src/kafka_consumer/main.ts",
    // Brokers and the HTTP port (net), certificates (read), kafkajs' environment and host name.
    flags: [
      "--allow-net",
      "--allow-read",
      "--allow-env",
      "--allow-sys=hostname,osRelease",
      "--deny-run",
      ...NO_REMOTE_CODE,
    ],
  },
  wrapper: {
    task: "wrapper",
    source: "src/wrapper/main.ts",
    // Runs any --command, serves HTTP, reads its flags' files, writes the output file; KafkaStorage
    // (--kafka_brokers) keys messages by host name and kafkajs reads the OS release.
    flags: [
      "--allow-run",
      "--allow-net",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-sys=hostname,osRelease",
      ...NO_REMOTE_CODE,
    ],
  },
} as const satisfies Record<string, EntryPointFlags>;

export type EntryPointName = keyof typeof ENTRY_POINT_FLAGS;
