/**
 * Every block of the README and docs/ that shows wca's output is what the program prints: a block marked
 * `<!-- output: SCENARIO -->` is compared line by line with what that scenario (tests/docs/
 * output_scenarios.ts) makes the real agent print. Timestamps and durations are left out of the
 * comparison, `…` in a block stands for any text, and lines starting with `$ ` are the command. An unmarked
 * block that looks like wca's output (log lines, `wca:` messages, metrics) fails: it would drift.
 */
import assert from "node:assert/strict";
import { type Block, documentationBlocks } from "./markdown_blocks.ts";
import { type ScenarioOutput, SCENARIOS } from "./output_scenarios.ts";

const blocks = documentationBlocks();
const marked = blocks.filter((block) => block.marker?.name === "output");

const TIMESTAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} /;
const DURATION = /\b\d+(?:\.\d+)? ?(?:ms|µs|s)\b/g;
const NUMBER = /\d+(?:\.\d+)?(?:e[+-]?\d+)?/g;

function normalise(line: string, anyNumbers: boolean): string {
  const text = line.replace(TIMESTAMP, "").replace(DURATION, "<duration>").trimEnd();
  return anyNumbers ? text.replace(NUMBER, "#") : text;
}

function lineMatcher(docLine: string, anyNumbers: boolean): RegExp {
  const pattern = normalise(docLine, anyNumbers).split("…").map((part) =>
    part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
  ).join(".*?");
  return new RegExp(`^${pattern}$`);
}

/** The block's lines that are not in the scenario's output. */
export function missingLines(block: Block, result: ScenarioOutput): string[] {
  let output = result.output;
  for (const [from, to] of result.replacements ?? []) output = output.replaceAll(from, to);
  const printed = output.split("\n").map((line) => normalise(line, result.anyNumbers ?? false));
  return block.text.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("$ ")).filter(
    (line) => {
      const matcher = lineMatcher(line, result.anyNumbers ?? false);
      return !printed.some((candidate) => matcher.test(candidate));
    },
  );
}

const LOOKS_LIKE_OUTPUT =
  /^(wca: |(?:\S+ \S+ )?(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) {1,5}|# (?:HELP|TYPE) |wca \d)/m;

Deno.test("every block that shows wca's output names the scenario that prints it", () => {
  const unmarked = blocks.filter((block) =>
    block.marker?.name !== "output" && !["ts", "yaml", "ini", "typescript"].includes(block.lang) &&
    LOOKS_LIKE_OUTPUT.test(block.text)
  );
  assert.deepEqual(unmarked.map((block) => block.where), [], "mark these with <!-- output: SCENARIO -->");
  for (const block of marked) {
    assert.ok(SCENARIOS[block.marker!.value], `${block.where}: no scenario ${block.marker!.value}`);
  }
});

const results = new Map<string, Promise<ScenarioOutput>>();
for (const block of marked) {
  const name = block.marker!.value;
  Deno.test(`${block.where} is what wca prints (${name})`, async () => {
    const scenario = SCENARIOS[name];
    assert.ok(scenario, `no scenario ${name}`);
    if (!results.has(name)) results.set(name, scenario());
    const result = await results.get(name)!;
    assert.deepEqual(missingLines(block, result), [], `printed:\n${result.output}`);
  });
}

Deno.test("the warning quoted in configs/extra/wca_compat.yaml's header is the one wca prints for it", async () => {
  const header = Deno.readTextFileSync(new URL("../../configs/extra/wca_compat.yaml", import.meta.url));
  const quoted = /^#\s+"(not supported by this version yet[^"]*)"$/m.exec(header);
  assert.ok(quoted, "the header quotes the warning");
  if (!results.has("wca-compat")) results.set("wca-compat", SCENARIOS["wca-compat"]!());
  const { output } = await results.get("wca-compat")!;
  assert.ok(output.split("\n").some((line) => line.endsWith(`] ${quoted[1]}`)), `printed:\n${output}`);
});
