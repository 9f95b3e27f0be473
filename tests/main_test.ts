/** The CLI as a user meets it: a subprocess, its exit code and what it prints. */
import assert from "node:assert/strict";
import { IS_ROOT, ROOT_FLAG, runWca } from "./helpers/wca_process.ts";
import { BUILTIN_COMPONENTS } from "../src/builtins.ts";

const HELLO = [
  "-c",
  "configs/extending/hello_world.yaml",
  "-r",
  "examples/hello_world_runner.ts:HelloWorldRunner",
];

Deno.test("root without --root is refused with exit 2 and the capabilities a non-root agent needs", async () => {
  const run = await runWca(HELLO);
  if (IS_ROOT) {
    assert.equal(run.code, 2);
    assert.match(run.stderr, /refusing to run as root without --root/);
    assert.match(run.stderr, /CAP_DAC_OVERRIDE/);
    assert.match(run.stderr, /perf_event_paranoid/);
    assert.equal(run.stdout, "");
  } else {
    assert.equal(run.code, 0, "a non-root user is not refused");
  }
});

Deno.test("hello world: an external runner registered with -r prints its greeting", async () => {
  const run = await runWca([...HELLO, ...ROOT_FLAG]);
  assert.equal(run.stderr, "");
  assert.equal(run.stdout, "Hello world!\n");
  assert.equal(run.code, 0);
});

Deno.test("an unknown tag: exit 1, file:line:col and the available tags, no stack trace", async () => {
  const run = await runWca(["-c", "configs/extending/hello_world.yaml", ...ROOT_FLAG]);
  assert.equal(run.code, 1);
  assert.equal(
    run.stderr,
    "wca: configs/extending/hello_world.yaml:3:9: Unknown tag !HelloWorldRunner. Available tags: " +
      Object.keys(BUILTIN_COMPONENTS).sort().map((tag) => `!${tag}, `).join("") +
      "!Env. External components are added with -r path/to/module.ts:ClassName\n",
  );
});

Deno.test("at -l debug a user error also shows its details", async () => {
  const run = await runWca(["-c", "configs/extending/hello_world.yaml", "-l", "debug", ...ROOT_FLAG]);
  assert.equal(run.code, 1);
  // The stack stays on the one log line, its line breaks escaped.
  assert.match(run.stderr, /DEBUG {4}\{MainThread\} \[wca\.main\] details: ConfigError: .*\\n\s+at /);
});

Deno.test("unknown flag: usage on stderr, exit 2", async () => {
  const run = await runWca(["--frobnicate"]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /^wca: Unknown option '--frobnicate'\n\nUsage: wca \[options\]/);
});

Deno.test("--version and --help exit 0", async () => {
  const version = await runWca(["--version"]);
  assert.equal(version.code, 0);
  const { version: wca } = JSON.parse(Deno.readTextFileSync(new URL("../deno.json", import.meta.url)));
  // The child runs on the same Deno as this test.
  const { deno, v8, typescript } = Deno.version;
  assert.equal(version.stdout, `wca ${wca} (deno ${deno}, v8 ${v8}, typescript ${typescript})\n`);
  assert.match(
    version.stdout,
    /^wca \d+\.\d+\.\d+ \(deno \d+\.\d+\.\d+, v8 \d+\.\d+\.\d+\S*, typescript \d+\.\d+\.\d+\)\n$/,
  );
  assert.equal((await runWca(["-v"])).stdout, version.stdout);
  const help = await runWca(["-h"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /-r, --register MODULE:Class/);
});

Deno.test("config files: missing, world-writable and foreign-owned files are refused with exit 1", async () => {
  const missing = await runWca(["-c", "/nonexistent/wca.yaml", ...ROOT_FLAG]);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, "wca: Config file /nonexistent/wca.yaml does not exist\n");

  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/config.yaml`;
    await Deno.writeTextFile(path, "runner: !HelloWorldRunner\n");
    await Deno.chmod(path, 0o666);
    const writable = await runWca(["-c", path, ...ROOT_FLAG]);
    assert.equal(writable.code, 1);
    assert.equal(
      writable.stderr,
      `wca: Config file ${path} is writable by others (mode 666); run 'chmod go-w ${path}' ` +
        `so that nobody else can change what the agent runs\n`,
    );
    if (IS_ROOT) {
      await Deno.chmod(path, 0o644);
      await Deno.chown(path, 65534, 65534);
      const foreign = await runWca(["-c", path, "--root"]);
      assert.equal(foreign.code, 1);
      assert.match(
        foreign.stderr,
        /is owned by uid 65534; it must be owned by the user running wca \(uid 0\) or by root/,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("WCA_DUMP_LOGGERS=True prints the logger tree; config loggers apply, the command line wins", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/config.yaml`;
    await Deno.writeTextFile(
      path,
      "runner: !HelloWorldRunner\nloggers:\n  wca: error\n  wca.storage: debug\n  example.external_package: info\n",
    );
    await Deno.chmod(path, 0o644);
    const run = await runWca(
      ["-c", path, "-r", "examples/hello_world_runner.ts:HelloWorldRunner", "-l", "warning", ...ROOT_FLAG],
      { WCA_DUMP_LOGGERS: "True" },
    );
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.split("\n");
    // Every module's logger appears; these are the ones whose levels this config and command line decide.
    for (
      const expected of [
        "<root>: WARNING (set)",
        "  example: WARNING (inherited)",
        "    example.external_package: INFO (set)",
        "  wca: WARNING (set)",
        "    wca.main: WARNING (inherited)",
        "    wca.storage: DEBUG (set)",
      ]
    ) assert.ok(lines.includes(expected), `missing '${expected}' in:\n${run.stdout}`);
    assert.ok(lines.indexOf("  wca: WARNING (set)") < lines.indexOf("    wca.main: WARNING (inherited)"));
    assert.deepEqual(lines.slice(-2), ["Hello world!", ""]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("-r with a missing module or class: exit 1 with a clear message", async () => {
  const noModule = await runWca([
    "-c",
    "configs/extending/hello_world.yaml",
    "-r",
    "examples/nope.ts:X",
    ...ROOT_FLAG,
  ]);
  assert.equal(noModule.code, 1);
  assert.match(
    noModule.stderr,
    /^wca: -r examples\/nope\.ts:X: cannot import file:\/\/.*examples\/nope\.ts: Module not found/,
  );
  const noClass = await runWca(
    ["-c", "configs/extending/hello_world.yaml", "-r", "examples/hello_world_runner.ts:Nope", ...ROOT_FLAG],
  );
  assert.equal(noClass.code, 1);
  assert.match(noClass.stderr, /has no export 'Nope' \(it exports: HelloWorldRunner\)\n$/);
});

Deno.test("-r with a module others can write: exit 1 before any of its code runs", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const module = `${dir}/runner.ts`;
    const marker = `${dir}/ran`;
    await Deno.writeTextFile(
      module,
      `Deno.writeTextFileSync(${
        JSON.stringify(marker)
      }, "ran");\nexport class HelloWorldRunner { run() {} }\n`,
    );
    await Deno.chmod(module, 0o666);
    const run = await runWca([
      "-c",
      "configs/extending/hello_world.yaml",
      "-r",
      `${module}:HelloWorldRunner`,
      ...ROOT_FLAG,
    ]);
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      `wca: -r ${module}:HelloWorldRunner: Module ${module} is writable by others (mode 666); ` +
        `run 'chmod go-w ${module}' so that nobody else can change what the agent runs; it was not imported\n`,
    );
    assert.throws(() => Deno.statSync(marker), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("config errors quoting the config are escaped: a key with a newline and ESC cannot forge a line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/config.yaml`;
    await Deno.writeTextFile(
      path,
      'runner: !MeasurementRunner\n  node: !StaticNode\n    tasks: []\n  "x\\nwca: forged\\e[2J\\r": 1\n',
      { mode: 0o600 },
    );
    const run = await runWca(["-c", path, ...ROOT_FLAG]);
    assert.equal(run.code, 1);
    assert.equal(run.stderr.split("\n").length, 2, `one line: ${JSON.stringify(run.stderr)}`);
    assert.ok(
      run.stderr.startsWith(
        `wca: ${path}:4:3: Unknown field 'x\\nwca: forged\\x1b[2J\\r' in !MeasurementRunner`,
      ),
      run.stderr,
    );
    for (const raw of ["\x1b", "\r"]) assert.ok(!run.stderr.includes(raw), JSON.stringify(run.stderr));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("several config problems: one 'wca:' line each", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/config.yaml`;
    await Deno.writeTextFile(path, "runner: [\nloggers: {\n", { mode: 0o600 });
    const run = await runWca(["-c", path, ...ROOT_FLAG]);
    assert.equal(run.code, 1);
    const lines = run.stderr.trimEnd().split("\n");
    assert.ok(lines.length >= 2, run.stderr);
    for (const line of lines) assert.match(line, new RegExp(`^wca: ${path}:\\d+:\\d+: YAML syntax error: `));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a config file over the size limit (4 MiB) is refused before it is read: exit 1", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/big.yaml`;
    const limit = 4 * 1024 * 1024;
    // Within the limit it loads (a comment pads it); one byte more is refused.
    const body = "runner: !HelloWorldRunner\n#";
    await Deno.writeTextFile(path, body + "x".repeat(limit - body.length - 1) + "\n", { mode: 0o600 });
    assert.equal((await Deno.stat(path)).size, limit);
    const hello = ["-r", "examples/hello_world_runner.ts:HelloWorldRunner", ...ROOT_FLAG];
    const within = await runWca(["-c", path, ...hello]);
    assert.equal(within.code, 0, within.stderr);
    assert.equal(within.stdout, "Hello world!\n");
    await Deno.writeTextFile(path, "x", { append: true });
    const over = await runWca(["-c", path, ...hello]);
    assert.equal(over.code, 1);
    assert.equal(
      over.stderr,
      `wca: Config file ${path} is ${limit + 1} bytes; at most ${limit} are accepted\n`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a config value with a newline and ESC (a logger name) is escaped in WCA_DUMP_LOGGERS's tree", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/config.yaml`;
    await Deno.writeTextFile(
      path,
      'runner: !HelloWorldRunner\nloggers:\n  "evil\\n  wca: CRITICAL (set)\\e[2J": debug\n',
      { mode: 0o600 },
    );
    const run = await runWca(
      ["-c", path, "-r", "examples/hello_world_runner.ts:HelloWorldRunner", ...ROOT_FLAG],
      { WCA_DUMP_LOGGERS: "True" },
    );
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.split("\n");
    assert.ok(lines.includes("  evil\\n  wca: CRITICAL (set)\\x1b[2J: DEBUG (set)"), run.stdout);
    assert.ok(!lines.includes("  wca: CRITICAL (set)"), "no forged line");
    assert.ok(!run.stdout.includes("\x1b"), "no raw ESC");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
