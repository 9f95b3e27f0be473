/** The generic wrapper (`dist/wrapper`): metrics from --regexp matches in the workload's output. */
import { defaultParser } from "./default_parser.ts";
import { wrapperMain } from "./run.ts";

if (import.meta.main) await wrapperMain(defaultParser);
