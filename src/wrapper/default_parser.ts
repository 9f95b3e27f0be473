/**
 * The generic wrapper's parser (the seeds' default_parse): every match of --regexp, with its `name`
 * and `value` groups, is a metric. Without --separator each line is parsed alone; with it, lines are
 * collected until one matches the separator and the block is parsed as one text.
 */
import { getLogger } from "../logging/mod.ts";
import type { Metric } from "../metrics/metric.ts";
import { METRIC_NAME_PATTERN } from "../metrics/prometheus.ts";
import { type ParseLines, parseNumber, type ParserOptions, type WorkloadParser } from "./parser.ts";

const log = getLogger("wca.wrapper.parser");

/** A block keeps at most its last this many lines: a separator that never comes must not hold memory. */
export const MAX_BLOCK_LINES = 10_000;

function matches(text: string, options: ParserOptions): Metric[] {
  const found: Metric[] = [];
  for (const match of text.matchAll(options.regexp)) {
    const name = options.metricNamePrefix + (match.groups?.name ?? "");
    const value = parseNumber(match.groups?.value);
    if (value === undefined || !METRIC_NAME_PATTERN.test(name)) {
      log.debug(`skipped ${JSON.stringify(match[0])}: not a metric name and a number`);
      continue;
    }
    found.push({ name, value, labels: options.labels });
  }
  return found;
}

export const defaultParser: WorkloadParser = {
  name: "generic",
  description: "Metrics are the matches of --regexp (default: name=value pairs), per line or per block " +
    "ending in a line that matches --separator.",
  create(options: ParserOptions): ParseLines {
    const block: string[] = [];
    return (lines) => {
      if (options.separator === undefined) return lines.flatMap((line) => matches(line, options));
      const found: Metric[] = [];
      for (const line of lines) {
        if (!options.separator.test(line)) {
          if (block.push(line) > MAX_BLOCK_LINES) block.shift();
          continue;
        }
        log.debug(`found separator in ${JSON.stringify(line)}`);
        found.push(...matches(block.join("\n"), options));
        block.length = 0;
      }
      return found;
    };
  },
};
