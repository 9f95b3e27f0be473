/** What a workload parser module imports: the parser API and the wrapper's entry point. */
export {
  lineParser,
  type LineParserSpec,
  MetricMaker,
  NUMBER_WORD,
  type ParseLines,
  parseNumber,
  type ParserOptions,
  percentileName,
  readNumber,
  type WorkloadParser,
} from "./parser.ts";
export { wrapperMain } from "./run.ts";
export type { Metric } from "../metrics/metric.ts";
