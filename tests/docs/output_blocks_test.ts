/**
 * Every block of the README and docs/ that shows wca's output is what the program prints: a block marked
 * `<!-- output: SCENARIO -->` is compared line by line with what that scenario (tests/docs/
 * output_scenarios.ts) makes the real agent print. Timestamps and durations are left out of the
 * comparison, `…` in a block stands for any text, and lines starting with `$ ` are the command (with the
 * lines a trailing backslash continues it on). An unmarked block that looks like wca's output (log lines,
 * `wca:` messages, metrics) fails: it would drift.
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
  return outputLines(block.text).filter((line) => {
    const matcher = lineMatcher(line, result.anyNumbers ?? false);
    return !printed.some((candidate) => matcher.test(candidate));
  });
}

/** A block's lines but the blank ones and the command (`$ ` and the lines it continues with a backslash). */
function outputLines(text: string): string[] {
  let continued = false;
  return text.split("\n").filter((line) => {
    const command = line.startsWith("$ ") || continued;
    continued = command && line.trimEnd().endsWith("\\");
    return !command && line.trim() !== "";
  });
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

/** Scenarios that run at once: each is a few processes, mostly waiting for the agent to say something. */
const PARALLEL = 3;

/** Every scenario named by a block (and wca-compat), started PARALLEL at a time, in the order the blocks come. */
function startScenarios(names: readonly string[]): Map<string, Promise<ScenarioOutput>> {
  const queue = [...new Set(names)].filter((name) => SCENARIOS[name]);
  const starts = new Map<string, () => void>();
  const results = new Map<string, Promise<ScenarioOutput>>();
  let running = 0;
  const next = () => {
    while (running < PARALLEL && queue.length > 0) {
      running++;
      starts.get(queue.shift()!)!();
    }
  };
  for (const name of queue) {
    const result = new Promise<ScenarioOutput>((resolve, reject) =>
      starts.set(name, () =>
        SCENARIOS[name]!().then(resolve, reject).finally(() => {
          running--;
          next();
        }))
    );
    result.catch(() => {}); // its test reports the failure
    results.set(name, result);
  }
  next();
  return results;
}

const results = startScenarios([...marked.map((block) => block.marker!.value), "wca-compat"]);
// Scenarios outlive the test that starts waiting for them, so their processes are not this test's leak.
const sanitizers = { sanitizeOps: false, sanitizeResources: false };

for (const block of marked) {
  const name = block.marker!.value;
  Deno.test({
    name: `${block.where} is what wca prints (${name})`,
    ...sanitizers,
    fn: async () => {
      assert.ok(results.has(name), `no scenario ${name}`);
      const result = await results.get(name)!;
      assert.deepEqual(missingLines(block, result), [], `printed:\n${result.output}`);
    },
  });
}

Deno.test({
  name: "the warning quoted in configs/extra/wca_compat.yaml's header is the one wca prints for it",
  ...sanitizers,
}, async () => {
  const header = Deno.readTextFileSync(new URL("../../configs/extra/wca_compat.yaml", import.meta.url));
  const quoted = /^#\s+"(wss: [^"]*)"$/m.exec(header);
  assert.ok(quoted, "the header quotes the warning");
  const { output } = await results.get("wca-compat")!;
  const warned = output.split("\n").some((line) => line.endsWith(`] ${quoted[1]}`));
  // The header says when: on a host whose RDT gives memory bandwidth, the working set is measured whole.
  const withBandwidth = /^task_mem_bandwidth_bytes\{/m.test(output);
  assert.equal(warned, !withBandwidth, `printed:\n${output}`);
  assert.match(output, /^task_wss_referenced_bytes\{/m, "the working set is measured");
});
