/**
 * The generic wrapper's parser (the seeds' default_parse): every match of --regexp, with its `name`
 * and `value` groups, is a metric. Without --separator each line is parsed alone; with it, lines are
 * collected until one matches the separator and the block is parsed as one text.
 */
import { escapeControl, getLogger } from "../logging/mod.ts";
import type { Metric } from "../metrics/metric.ts";
import { METRIC_NAME_PATTERN } from "../metrics/prometheus.ts";
import { type ParseLines, type ParserOptions, readNumber, type WorkloadParser } from "./parser.ts";

const log = getLogger("wca.wrapper.parser");

/** A block keeps at most its last this many lines: a separator that never comes must not hold memory. */
export const MAX_BLOCK_LINES = 10_000;

/**
 * The metrics among the matches of the pattern. A value that is not a number is refused with one warning
 * per pattern (this run's --regexp) naming the match; later refusals go to debug, so a workload that prints
 * the same odd figure every second does not fill the log.
 */
class Matcher {
  readonly #options: ParserOptions;
  #warned = false;

  constructor(options: ParserOptions) {
    this.#options = options;
  }

  matches(text: string): Metric[] {
    const found: Metric[] = [];
    for (const match of text.matchAll(this.#options.regexp)) {
      const name = this.#options.metricNamePrefix + (match.groups?.name ?? "");
      if (!METRIC_NAME_PATTERN.test(name)) {
        log.debug(
          `skipped ${escapeControl(JSON.stringify(match[0]))}: ${JSON.stringify(name)} is not a metric name`,
        );
        continue;
      }
      const reading = readNumber(match.groups?.value ?? "");
      if (!reading.ok) {
        this.#refused(match[0], match.groups?.value ?? "", reading.problem);
        continue;
      }
      found.push({ name, value: reading.value, labels: this.#options.labels });
    }
    return found;
  }

  #refused(matched: string, value: string, problem: string): void {
    const message =
      `--regexp matched ${JSON.stringify(matched)}, but ${JSON.stringify(value)} is ${problem}: ` +
      "no metric is made from it";
    if (this.#warned) return log.debug(escapeControl(message));
    this.#warned = true;
    log.warning(escapeControl(`${message} (reported once for this pattern; later ones are logged at debug)`));
  }
}

export const defaultParser: WorkloadParser = {
  name: "generic",
  description: "Metrics are the matches of --regexp (default: name=value pairs), per line or per block " +
    "ending in a line that matches --separator.",
  create(options: ParserOptions): ParseLines {
    const block: string[] = [];
    const matcher = new Matcher(options);
    return (lines) => {
      if (options.separator === undefined) return lines.flatMap((line) => matcher.matches(line));
      const found: Metric[] = [];
      for (const line of lines) {
        if (!options.separator.test(line)) {
          if (block.push(line) > MAX_BLOCK_LINES) block.shift();
          continue;
        }
        log.debug(`found separator in ${JSON.stringify(line)}`);
        for (const metric of matcher.matches(block.join("\n"))) found.push(metric);
        block.length = 0;
      }
      return found;
    };
  },
};
