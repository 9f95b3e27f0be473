import assert from "node:assert/strict";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Registry } from "../../src/components/mod.ts";
import { BUILTIN_COMPONENTS } from "../../src/builtins.ts";
import { buildRunner, ConfigError, parseConfigText } from "../../src/config/mod.ts";
import { TestLoop, testRegistry, TestSink, TestValue } from "./test_components.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures/configs/", import.meta.url));

function load(file: string, env: Record<string, string> = {}) {
  const config = parseConfigText(file, Deno.readTextFileSync(file));
  return buildRunner(config, { components: testRegistry(), env: (name) => env[name] });
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new assert.AssertionError({ message: "expected an error, but none was thrown" });
}

/** Each fixture under invalid/ and the exact line a user sees for it (after "file:"). */
const INVALID: Record<string, string> = {
  "bad_host_port.yaml":
    `3:14: Invalid value "localhost:99999" for field 'address' in !TestSink: expected host:port (hostname, IPv4 or [IPv6] address, port 1-65535)`,
  "duplicate_key.yaml": `3:3: Duplicate key 'storage' (first given at line 2)`,
  "enum_value.yaml":
    `3:12: Invalid value "extreme" for field 'level' in !TestSink: expected one of: low, high`,
  "env_unset.yaml": `3:11: Environment variable WCA_TEST_SURELY_UNSET_VARIABLE (from !Env) is not set`,
  "list_item.yaml": `3:16: Invalid value 42 for field 'tags[1]' in !TestSink: expected a string`,
  "logger_level.yaml":
    `4:8: Invalid value "loud" for logger 'wca': expected one of: critical, error, warning, info, debug, trace`,
  "map_value.yaml": `4:13: Invalid value 7 for field 'labels.team' in !TestSink: expected a string`,
  "missing_required.yaml":
    `1:9: Missing field 'storage' in !TestLoop: expected a Storage component (one with store())`,
  "missing_runner.yaml": `1:1: Missing top-level key 'runner': e.g. 'runner: !MeasurementRunner {...}'`,
  "nested_list_component.yaml":
    `3:44: Invalid value -1 for field 'ratio' in !TestSink: expected a number >= 0`,
  "not_a_mapping.yaml":
    `1:1: A config file must be a mapping with the key 'runner' (and optionally 'loggers')`,
  "not_integer.yaml": `3:12: Invalid value 3.5 for field 'count' in !TestSink: expected an integer`,
  "number_out_of_range.yaml": `3:12: Invalid value 2 for field 'ratio' in !TestSink: expected a number <= 1`,
  "params_without_schema.yaml": `2:3: !HelloLikeRunner takes no parameters, but 'greeting' was given`,
  "path_with_dotdot.yaml":
    `3:11: Invalid value "/var/log/../../etc/shadow" for field 'path' in !TestSink: expected a path without '..' segments`,
  "relative_path.yaml":
    `3:11: Invalid value "var/log/wca.prom" for field 'path' in !TestSink: expected an absolute path (starting with /)`,
  "runner_not_a_runner.yaml":
    `1:9: Invalid value !TestSink for 'runner': expected a Runner component (one with run()), e.g. !MeasurementRunner`,
  "scalar_for_mapping.yaml": `2:12: !TestSink takes a mapping of parameters, not the value "5"`,
  "string_too_long.yaml":
    `3:11: Invalid value "a-name-that-is-far-too-long" for field 'name' in !TestSink: expected at most 12 characters`,
  "union_value.yaml":
    `3:11: Invalid value "sometimes" for field 'mode' in !TestSink: expected true or false, or auto`,
  "unknown_field.yaml":
    `3:3: Unknown field 'intervall' in !TestLoop; did you mean 'interval'? Known fields: storage, storages, value, interval`,
  "unknown_tag_typo.yaml":
    `1:9: Unknown tag !TestLop; did you mean !TestLoop? Available tags: !HelloLikeRunner, !TestLoop, !TestSink, !TestValue, !Env. External components are added with -r path/to/module.ts:ClassName`,
  "unknown_top_level_typo.yaml":
    `3:1: Unknown top-level key "logers"; did you mean 'loggers'? Allowed keys: runner, loggers`,
  "undefined_alias.yaml": `3:12: Undefined alias *sink: no anchor &sink is defined before it`,
  "python_tag.yaml":
    `4:13: Unsupported YAML tag !!python/object:os.system: a config may use component tags (!ClassName), !Env and the standard tags !!str, !!int, !!float, !!bool, !!null, !!map, !!seq`,
  "logger_tag.yaml":
    `4:8: Invalid value !Anything info for logger 'wca': expected one of: critical, error, warning, info, debug, trace (a level is plain text or !Env NAME, never a tag)`,
  "tag_on_key.yaml": `4:3: A mapping key cannot have the tag !Env`,
  "merge_not_mapping.yaml":
    `3:10: Invalid value 5 for the merge key <<: expected a mapping or a list of mappings, e.g. <<: *defaults or <<: [*a, *b]`,
  "merge_itself.yaml": `4:9: A merge key refers to the mapping that contains it`,
  "path_control_char.yaml":
    `4:11: Invalid value "/var/log/wca\\x1b[2J.prom" for field 'path' in !TestSink: expected a path without control characters (U+001B at character 13)`,
  "relative_path_control_char.yaml":
    `3:11: Invalid value "metrics\\nfake line.prom" for field 'file' in !TestSink: expected a path without control characters (U+000A at character 8)`,
  "path_invalid_utf8.yaml":
    `3:11: Invalid value "/var/lib/wca/m\uFFFD\uFFFD.prom" for field 'file' in !TestSink: expected a path in valid UTF-8 (U+FFFD at character 15)`,
  "empty_path.yaml":
    `3:11: Invalid value "" for field 'file' in !TestSink: expected a path, not an empty string`,
  "unknown_tag.yaml":
    `1:9: Unknown tag !Nope. Available tags: !HelloLikeRunner, !TestLoop, !TestSink, !TestValue, !Env. External components are added with -r path/to/module.ts:ClassName`,
  "unknown_top_level.yaml": `3:1: Unknown top-level key "storage"; allowed keys: runner, loggers`,
  "url_scheme.yaml":
    `3:10: Invalid value "ftp://example.com/metrics" for field 'url' in !TestSink: expected a URL with scheme http or https`,
  "wrong_interface.yaml":
    `2:12: Invalid value !TestValue hello for field 'storage' in !TestLoop: expected a Storage component (one with store())`,
  "wrong_type.yaml": `3:12: Invalid value "many" for field 'count' in !TestSink: expected an integer`,
  "yaml_syntax.yaml":
    `4:1: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }`,
};

/** Fixtures whose message comes from a built-in component's schema, loaded with the built-in registry. */
const INVALID_BUILTIN: Record<string, string> = {
  "event_name_typo.yaml":
    `4:25: Invalid value "task_instrucions" for field 'event_names[1]' in !MeasurementRunner: expected a perf event (did you mean task_instructions?): one of task_instructions, task_cycles, task_cache_misses, task_cache_references, task_task_clock_seconds, task_context_switches, task_cpu_migrations, task_page_faults, task_minor_page_faults, task_major_page_faults, task_stalled_mem_loads, task_offcore_requests_l3_miss_demand_data_rd, task_offcore_requests_outstanding_l3_miss_demand_data_rd, task_offcore_requests_demand_data_rd, task_offcore_requests_demand_rfo, task_mem_load_retired_local_pmm, task_mem_load_retired_local_dram, task_mem_load_retired_remote_dram, task_mem_inst_retired_loads, task_mem_inst_retired_stores, task_dtlb_load_misses, a WCA 1.0 name, or a raw event name__rEEUU`,
  "zoneinfo_groups.yaml":
    `4:13: Invalid value "\\s+[a-z_]+\\s+(\\d+)" for field 'zoneinfo' in !MeasurementRunner: expected a regular expression with exactly two groups (key, value), like WCA's default \\s+([a-z_]+)\\s+(\\d+); this one has 1`,
};

Deno.test("every invalid fixture has an expected message, and every expectation a fixture", () => {
  const files = [...Deno.readDirSync(`${FIXTURES}invalid`)].map((e) => e.name).sort();
  assert.deepEqual(files, [...Object.keys(INVALID), ...Object.keys(INVALID_BUILTIN)].sort());
});

for (const [name, expected] of Object.entries(INVALID_BUILTIN)) {
  Deno.test(`invalid config ${name} (built-in components): ${expected.slice(0, 60)}`, () => {
    const file = `${FIXTURES}invalid/${name}`;
    const config = parseConfigText(file, Deno.readTextFileSync(file));
    const error = thrown(() => buildRunner(config, { components: new Registry(BUILTIN_COMPONENTS) }));
    assert.ok(error instanceof ConfigError, `not a ConfigError: ${error}`);
    assert.equal(error.message, `${file}:${expected}`);
  });
}

for (const [name, expected] of Object.entries(INVALID)) {
  Deno.test(`invalid config ${name}: ${expected.slice(0, 60)}`, () => {
    const file = `${FIXTURES}invalid/${name}`;
    const error = thrown(() => load(file));
    assert.ok(error instanceof ConfigError, `not a ConfigError: ${error}`);
    assert.equal(error.message, `${file}:${expected}`);
    assert.equal(error.stack?.includes(error.message), true);
  });
}

Deno.test("valid config builds the graph: defaults, anchors share one instance, !Env, tagged scalars", () => {
  const runner = load(`${FIXTURES}valid/everything.yaml`, { WCA_TEST_NAME: "from-env" });
  assert.ok(runner instanceof TestLoop);
  const sink = runner.params.storage;
  assert.ok(sink instanceof TestSink);
  assert.equal(sink.params.name, "from-env");
  assert.equal(sink.params.address, "[::1]:9092");
  assert.deepEqual(sink.params.labels, { team: "infra" });
  assert.equal(sink.params.mode, true);
  assert.equal(runner.params.storages[0], sink, "the alias yields the anchored instance");
  const empty = runner.params.storages[1];
  assert.ok(empty instanceof TestSink);
  assert.equal(empty.params.level, "low");
  assert.equal(empty.params.ratio, 0.5);
  assert.deepEqual(empty.params.tags, []);
  assert.notEqual(runner.params.storages[1], runner.params.storages[2]);
  assert.ok(runner.params.value instanceof TestValue);
  assert.equal(runner.params.value.value, "hello");
  assert.equal(runner.params.interval, 1);
});

Deno.test("the loggers section is parsed before anything is constructed", () => {
  const file = `${FIXTURES}valid/everything.yaml`;
  const config = parseConfigText(file, Deno.readTextFileSync(file));
  assert.deepEqual(config.loggers, [["wca", "DEBUG"], ["example.external_package", "WARNING"]]);
});

Deno.test("several problems in one component are all reported, each with its position", () => {
  const text = "runner: !TestLoop\n  storage: !TestSink\n    ratio: 7\n    count: 0\n";
  const error = thrown(() => buildRunner(parseConfigText("x.yaml", text), { components: testRegistry() }));
  assert.equal(
    error.message,
    "x.yaml:3:12: Invalid value 7 for field 'ratio' in !TestSink: expected a number <= 1\n" +
      "x.yaml:4:12: Invalid value 0 for field 'count' in !TestSink: expected an integer >= 1",
  );
});

Deno.test("an empty file and a file of comments are refused with a position", () => {
  for (const text of ["", "# nothing here\n"]) {
    assert.throws(
      () => parseConfigText("e.yaml", text),
      {
        message:
          "e.yaml:1:1: A config file must be a mapping with the key 'runner' (and optionally 'loggers')",
      },
    );
  }
});

Deno.test("a constructor that throws becomes a config error at the tag", () => {
  class Exploding {
    constructor() {
      throw new Error("cannot open /dev/nothing");
    }
    run() {}
  }
  const registry = testRegistry();
  registry.add("Exploding", Exploding, "test");
  assert.throws(
    () => buildRunner(parseConfigText("b.yaml", "runner: !Exploding\n"), { components: registry }),
    { message: "b.yaml:1:9: Cannot create !Exploding: cannot open /dev/nothing" },
  );
});

Deno.test("an alias to the mapping that contains it is refused, not a stack overflow", () => {
  const text = "runner: &r !TestLoop\n  storage: *r\n";
  assert.throws(
    () => buildRunner(parseConfigText("a.yaml", text), { components: testRegistry() }),
    { message: "a.yaml:2:12: An alias refers to the mapping that contains it" },
  );
});

Deno.test("merge keys: own keys win, then the earlier source; nested merges and inline sources work", () => {
  const runner = load(`${FIXTURES}valid/merge_keys.yaml`);
  assert.ok(runner instanceof TestLoop);
  const base = runner.params.storage as TestSink;
  const [own, listed, nested] = runner.params.storages as TestSink[];
  assert.deepEqual([base.params.level, base.params.ratio], ["high", 0.25]);
  assert.deepEqual([own!.params.level, own!.params.ratio, own!.params.labels], ["high", 0.75, {
    team: "infra",
  }]);
  assert.notEqual(own, base, "a merge copies keys; it builds a new component");
  assert.deepEqual([listed!.params.count, listed!.params.ratio, listed!.params.level], [3, 0.1, "high"]);
  assert.deepEqual([nested!.params.count, nested!.params.tags, nested!.params.level], [3, ["nested"], "low"]);
});

Deno.test("merge keys: a bad merged value is reported where it is written, a quoted '<<' is a plain key", () => {
  // The merged mapping is only ever read through the merge key, so only the merge can report it.
  const text = "runner: !TestLoop\n  storage: !TestSink\n    name: s\n    <<: &defaults\n      count: 0\n";
  const error = thrown(() => buildRunner(parseConfigText("m.yaml", text), { components: testRegistry() }));
  assert.equal(
    error.message,
    "m.yaml:5:14: Invalid value 0 for field 'count' in !TestSink: expected an integer >= 1",
  );
  const quoted = "runner: !TestLoop\n  storage: !TestSink\n    '<<': {count: 2}\n";
  assert.throws(
    () => buildRunner(parseConfigText("q.yaml", quoted), { components: testRegistry() }),
    { message: /^q\.yaml:3:5: Unknown field '<<' in !TestSink; known fields: / },
  );
});

Deno.test("several undefined aliases are all reported, each at its own position with its name", () => {
  const text = "runner: !TestLoop\n  storage: *a\n  storages: [*b, &b !TestSink {}, *b]\n";
  assert.throws(() => parseConfigText("u.yaml", text), {
    message: "u.yaml:2:12: Undefined alias *a: no anchor &a is defined before it\n" +
      "u.yaml:3:14: Undefined alias *b: no anchor &b is defined before it",
  });
});

Deno.test("tags that name no component are refused wherever they appear", () => {
  const cases: Array<[string, string]> = [
    [
      "runner: !TestLoop\n  storage: !TestSink\n  value: !Anything x\n",
      "3:10: Unknown tag !Anything. Available",
    ],
    [
      "runner: !TestLoop\n  storage: !TestSink\n  storages: [!!binary aGk=]\n",
      "3:14: Unsupported YAML tag !!binary",
    ],
    [
      "runner: !TestLoop\n  storage: !TestSink\nloggers: !Levels\n  wca: info\n",
      "3:10: Invalid value !Levels",
    ],
    [
      "runner: !TestLoop\n  storage: !TestSink\nloggers:\n  wca: !!python/name:os.system x\n",
      "4:8: Unsupported YAML tag",
    ],
    [
      "runner: !TestLoop\n  storage: !TestSink\n    !!python/str key: 1\n",
      "3:5: A mapping key cannot have the tag",
    ],
  ];
  for (const [text, expected] of cases) {
    const error = thrown(() => buildRunner(parseConfigText("t.yaml", text), { components: testRegistry() }));
    assert.ok(error instanceof ConfigError);
    assert.ok(error.message.startsWith(`t.yaml:${expected}`), error.message);
  }
  // The standard tags keep their meaning: !!str makes a string of what would be a number.
  const text = "runner: !TestLoop\n  storage: !TestSink {name: !!str 12}\n";
  const runner = buildRunner(parseConfigText("s.yaml", text), { components: testRegistry() }) as TestLoop;
  assert.equal((runner.params.storage as TestSink).params.name, "12");
});

Deno.test("loggers: a level may come from !Env, as in WCA; an unset variable is an error", () => {
  const text = "runner: !TestLoop\n  storage: !TestSink\nloggers:\n  wca: !Env WCA_LEVEL\n";
  const config = parseConfigText("l.yaml", text, (name) => name === "WCA_LEVEL" ? "debug" : undefined);
  assert.deepEqual(config.loggers, [["wca", "DEBUG"]]);
  assert.throws(() => parseConfigText("l.yaml", text, () => undefined), {
    message: "l.yaml:4:8: Environment variable WCA_LEVEL (from !Env) is not set",
  });
  assert.throws(() => parseConfigText("l.yaml", text, () => "loud"), {
    message: `l.yaml:4:8: Invalid value "loud" (from !Env WCA_LEVEL) for logger 'wca': expected one of: ` +
      "critical, error, warning, info, debug, trace",
  });
});

Deno.test("a relative path is resolved against the working directory when the config is loaded", () => {
  const text = "runner: !TestLoop\n  storage: !TestSink\n    file: metrics.prom\n";
  const runner = buildRunner(parseConfigText("r.yaml", text), { components: testRegistry() }) as TestLoop;
  assert.equal((runner.params.storage as TestSink).params.file, `${Deno.cwd()}/metrics.prom`);
  const up = "runner: !TestLoop\n  storage: !TestSink\n    file: ../out/m.prom\n";
  const upRunner = buildRunner(parseConfigText("r.yaml", up), { components: testRegistry() }) as TestLoop;
  assert.equal((upRunner.params.storage as TestSink).params.file, resolve(Deno.cwd(), "../out/m.prom"));
});

Deno.test("merges of merges are computed once per mapping, so a merge bomb loads at once", () => {
  // a16 merges a15 twice, a15 merges a14 twice, …: 2^16 paths to a0 but 17 mappings. Walking every path
  // took 13 s here; one pass per mapping takes milliseconds.
  const levels = ["a0: &a0 {k0: zero}"];
  for (let i = 1; i <= 16; i++) {
    const sources = Array.from({ length: 2 }, () => `*a${i - 1}`).join(", ");
    levels.push(`a${i}: &a${i} {<<: [${sources}], k${i}: v${i}}`);
  }
  const bomb = `runner: !TestLoop\n  storage: !TestSink\n    labels:\n      ${levels.join("\n      ")}\n`;
  const started = performance.now();
  const error = thrown(() => buildRunner(parseConfigText("b.yaml", bomb), { components: testRegistry() }));
  assert.ok(performance.now() - started < 2000, "took too long");
  assert.match(
    error.message,
    /Invalid value a mapping for field 'labels\.a16' in !TestSink: expected a string/,
  );
});

Deno.test("config text quoted in a message has its control characters escaped", () => {
  const cases: Array<[string, string]> = [
    [
      'runner: !TestLoop\n  storage: !TestSink\n  "a\\e[2Jb": 1\n',
      "Unknown field 'a\\x1b[2Jb' in !TestLoop",
    ],
    ['runner: !TestLoop\n  storage: !TestSink\nloggers:\n  "x\\ny": loud\n', "for logger 'x\\ny'"],
    ['runner: !TestLoop\n  storage: !TestSink {name: !Env "A\\rB"}\n', "got !Env A\\rB"],
    ['runner: !TestLoop\n  storage: !TestSink\n  "k\\e": 1\n  "k\\e": 2\n', "Duplicate key 'k\\x1b'"],
  ];
  for (const [text, expected] of cases) {
    const error = thrown(() => buildRunner(parseConfigText("c.yaml", text), { components: testRegistry() }));
    assert.ok(error.message.includes(expected), error.message);
    // Newlines separate the messages of a ConfigErrors; nothing else below U+0020 may appear.
    // deno-lint-ignore no-control-regex
    assert.doesNotMatch(error.message, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  }
});
