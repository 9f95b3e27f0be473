import assert from "node:assert/strict";
import { pythonRegExp } from "../../src/wrapper/args.ts";
import { defaultParser, MAX_BLOCK_LINES } from "../../src/wrapper/default_parser.ts";
import { latest, parseText } from "../helpers/workload_parsers.ts";

Deno.test("generic parser: name=value pairs, line by line, with the prefix", () => {
  const metrics = parseText(defaultParser, "a=4.0 b=17 d=12.5 e=1234.25\nnoise\nc=12x\n", {
    metricNamePrefix: "app_",
  });
  assert.deepEqual(latest(metrics), { app_a: 4, app_b: 17, app_d: 12.5, app_e: 1234.25, app_c: 12 });
});

Deno.test("generic parser: the seeds' stress-ng regexp and separator make one block per run", () => {
  const text = "stress-ng: info:  [1] dispatching hogs: 1 cpu\n" +
    "stress-ng: metrc: [1] cpu                 342      1.04\n" +
    "stress-ng: info:  [2] dispatching hogs: 1 cpu\n" +
    "stress-ng: metrc: [2] cpu                 400      1.00\n" +
    "stress-ng: info:  [3] dispatching hogs: 1 cpu\n" +
    "stress-ng: metrc: [3] cpu                 999      1.00\n"; // a block without its separator yet
  const regexp = pythonRegExp(String.raw`(?P<name>cpu)[\ ]+(?P<value>\d+)`, "--regexp", "g");
  const separator = pythonRegExp("^(?:.*dispatching hogs.*)", "--separator");
  const parse = defaultParser.create({
    labels: { workload: "w" },
    metricNamePrefix: "stress_ng_bogo_ops_",
    regexp,
    separator,
  });
  const batches = text.split("\n").map((line) => parse([line]).map((m) => `${m.name}=${m.value}`));
  assert.deepEqual(batches.filter((b) => b.length > 0), [["stress_ng_bogo_ops_cpu=342"], [
    "stress_ng_bogo_ops_cpu=400",
  ]]);
});

Deno.test("generic parser: a match whose value is not a number or whose name is not a metric name is skipped", () => {
  const regexp = pythonRegExp(String.raw`(?P<name>[\w-]+):(?P<value>\S+)`, "--regexp", "g");
  assert.deepEqual(latest(parseText(defaultParser, "ok:1 bad-name:2 nan:x\n", { regexp })), { ok: 1 });
});

Deno.test("generic parser: a block keeps only its last MAX_BLOCK_LINES lines", () => {
  const separator = pythonRegExp("^(?:---)", "--separator");
  const parse = defaultParser.create({
    labels: {},
    metricNamePrefix: "",
    regexp: /(?<name>\w+?)=(?<value>\d+)/g,
    separator,
  });
  const lines = ["first=1", ...Array.from({ length: MAX_BLOCK_LINES - 1 }, () => "x"), "last=2"];
  assert.deepEqual(parse([...lines, "---"]).map((m) => m.name), ["last"]);
});
