import assert from "node:assert/strict";
import { parseCli, UsageError } from "../../src/cli/args.ts";

Deno.test("WCA-compatible flags, short and long", () => {
  const options = parseCli([
    "-c",
    "/etc/wca.yaml",
    "-r",
    "a.ts:A",
    "--register",
    "b.ts:B",
    "-l",
    "debug",
    "--log",
    "example:info",
    "--log-level",
    ":warning",
    "-0",
  ]);
  assert.equal(options.config, "/etc/wca.yaml");
  assert.deepEqual(options.register, ["a.ts:A", "b.ts:B"]);
  assert.deepEqual(options.logLevels, [["wca", "DEBUG"], ["example", "INFO"], ["", "WARNING"]]);
  assert.equal(options.root, true);
});

Deno.test("long forms and the '--' deno task passes through", () => {
  const options = parseCli(["--", "--config", "x.yaml", "--root", "--version", "--help"]);
  assert.equal(options.config, "x.yaml");
  assert.equal(options.root && options.version && options.help, true);
});

Deno.test("usage errors say what was wrong", () => {
  const table: Array<[string[], string]> = [
    [["--bogus"], "Unknown option '--bogus'"],
    [["-c"], "Option '-c, --config <value>' argument missing"],
    [["extra"], "Unexpected argument 'extra'. This command does not take positional arguments"],
    [
      ["-l", "loud"],
      "invalid log level 'loud' in '-l loud': expected one of critical, error, warning, info, debug, trace",
    ],
  ];
  for (const [argv, message] of table) {
    assert.throws(() => parseCli(argv), (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.equal(error.message, message);
      return true;
    });
  }
});

Deno.test("host roots: defaults, --host-root re-roots all, single overrides win", () => {
  assert.deepEqual(parseCli([]).hostPaths, {
    proc: "/proc",
    sys: "/sys",
    cgroup: "/sys/fs/cgroup",
    resctrl: "/sys/fs/resctrl",
  });
  assert.deepEqual(parseCli(["--host-root", "/host", "--cgroup-root", "/cg"]).hostPaths, {
    proc: "/host/proc",
    sys: "/host/sys",
    cgroup: "/cg",
    resctrl: "/host/sys/fs/resctrl",
  });
  assert.throws(() => parseCli(["--proc-root", "proc"]), {
    message: "--proc-root needs an absolute path without '..', got 'proc'",
  });
});
