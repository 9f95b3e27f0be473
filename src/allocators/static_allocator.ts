/**
 * StaticAllocator (WCA's extra/static_allocator.py): allocations from rules given inline (`rules`) and/or
 * in a YAML file (`config`) that is re-read every iteration, so rules change without a restart. Inline
 * rules apply first, the file's after them (its keys win).
 */
import type { AllocationResult } from "../components/decisions.ts";
import type { Allocator } from "../components/interfaces.ts";
import type { Platform, TasksData } from "../components/snapshot.ts";
import { ConfigErrors } from "../config/errors.ts";
import { params, path, type z } from "../config/schema.ts";
import { getLogger } from "../logging/mod.ts";
import { allocationsFromRules, type CompiledRule, compileRules, rulesSchema } from "./static_rules.ts";
import { parseRulesText, readRulesText } from "./static_rules_file.ts";

const log = getLogger("wca.allocators.static");

const schema = params({
  rules: rulesSchema.optional().describe(
    "Rules: each has name, optional labels (label → regex matched at the start), optional task_id, allocations.",
  ),
  config: path().optional().describe(
    "A YAML file with a list of rules, re-read every iteration; relative to the working directory.",
  ),
}).refine((p) => p.rules !== undefined || p.config !== undefined, {
  error: "expected rules (a list of rules), config (a rules file), or both",
});

type Params = z.infer<typeof schema>;

export class StaticAllocator implements Allocator {
  static readonly schema = schema;
  static readonly description = "Allocations from static rules matched by task labels or task id.";
  readonly #inline: readonly CompiledRule[];
  readonly #file: string | undefined;
  /** The file's last text and rules that parsed; kept while a later edit is broken. */
  #fileText: string | undefined;
  #fileRules: readonly CompiledRule[] = [];
  /** The message of the file's current problem, so each problem is logged once, not every iteration. */
  #fileProblem: string | undefined;
  #warnedNoRules = false;

  constructor(parameters: Params) {
    this.#inline = compileRules(parameters.rules ?? []);
    this.#file = parameters.config;
  }

  allocate(_platform: Platform, tasksData: TasksData): AllocationResult {
    if (this.#file !== undefined) this.#reload(this.#file);
    const rules = [...this.#inline, ...this.#fileRules];
    if (rules.length === 0) {
      if (!this.#warnedNoRules) log.warning("StaticAllocator: no rules; nothing is allocated");
      this.#warnedNoRules = true;
      return { allocations: new Map(), anomalies: [], metrics: [] };
    }
    this.#warnedNoRules = false;
    const tasks = [...tasksData].map(([taskId, data]) => ({ taskId, labels: data.labels }));
    const allocations = allocationsFromRules(rules, tasks);
    log.debug(`StaticAllocator: ${rules.length} rules gave allocations for ${allocations.size} tasks`);
    return { allocations, anomalies: [], metrics: [] };
  }

  #reload(file: string): void {
    try {
      const text = readRulesText(file);
      if (text !== this.#fileText || this.#fileProblem !== undefined) {
        const rules = parseRulesText(file, text);
        this.#fileText = text;
        this.#fileRules = rules;
        if (this.#fileProblem !== undefined || rules.length > 0) {
          log.info(`StaticAllocator: rules file ${file}: ${rules.length} rules in use`);
        }
        this.#fileProblem = undefined;
      }
    } catch (error) {
      // A YAML file with several syntax errors: the first one is enough to find the place.
      const message = error instanceof ConfigErrors && error.errors.length > 1
        ? `${error.errors[0]!.message} (and ${error.errors.length - 1} more problems)`
        : (error as Error).message;
      if (message === this.#fileProblem) return;
      this.#fileProblem = message;
      const kept = this.#fileRules.length;
      log.error(
        `StaticAllocator: ${message}; ${
          kept ? `the ${kept} rules read from it before stay in use` : "no rules from it are used"
        } until it is fixed`,
      );
    }
  }
}
