/** Feeding workload output to a parser the way the wrapper does, for table tests of parsers. */
import { deepStrictEqual as assertEqual } from "node:assert/strict";
import { DEFAULT_REGEXP, pythonRegExp } from "../../src/wrapper/args.ts";
import { LineSplitter } from "../../src/wrapper/lines.ts";
import type { Metric, ParserOptions, WorkloadParser } from "../../src/wrapper/mod.ts";

export const FIXTURES = new URL("../fixtures/workloads/", import.meta.url);

export const OPTIONS: ParserOptions = {
  labels: { workload: "w" },
  metricNamePrefix: "",
  regexp: pythonRegExp(DEFAULT_REGEXP, "--regexp", "g"),
  separator: undefined,
};

export function fixture(path: string): string {
  return Deno.readTextFileSync(new URL(path, FIXTURES));
}

/** Every metric the parser returns for `text`, split into lines in chunks of `chunk` characters. */
export function parseText(
  parser: WorkloadParser,
  text: string,
  options: Partial<ParserOptions> = {},
  chunk = 7,
): Metric[] {
  const parse = parser.create({ ...OPTIONS, ...options });
  const splitter = new LineSplitter();
  const found: Metric[] = [];
  for (let i = 0; i < text.length; i += chunk) {
    const lines = splitter.push(text.slice(i, i + chunk));
    if (lines.length > 0) found.push(...parse(lines));
  }
  const last = splitter.end();
  if (last.length > 0) found.push(...parse(last));
  return found;
}

/** `name{label="v"}` → value of the last sample of each series, without the common `workload` label. */
export function latest(metrics: readonly Metric[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const metric of metrics) {
    const { workload, ...rest } = metric.labels;
    if (workload !== "w") {
      throw new Error(`${metric.name} lost the wrapper's labels: ${JSON.stringify(metric.labels)}`);
    }
    const labels = Object.entries(rest).map(([k, v]) => `${k}="${v}"`).join(",");
    out[labels ? `${metric.name}{${labels}}` : metric.name] = metric.value;
  }
  return out;
}

/** Each metric has a type and help, so the encoder prints TYPE and HELP lines for it. */
export function assertDescribed(metrics: readonly Metric[]): void {
  for (const metric of metrics) {
    if (!metric.type || !metric.help) throw new Error(`${metric.name} has no type or help`);
  }
}

export interface ParserCase {
  readonly name: string;
  readonly text: string;
  /** latest() of what the parser returns. */
  readonly expected: Record<string, number>;
}

/** One test per case: the parser's metrics for the text, each with a type and help. */
export function parserCases(title: string, parser: WorkloadParser, cases: readonly ParserCase[]): void {
  for (const { name, text, expected } of cases) {
    Deno.test(`${title} parser: ${name}`, () => {
      const metrics = parseText(parser, text);
      assertEqual(latest(metrics), expected);
      assertDescribed(metrics);
    });
  }
}
