/**
 * StaticAllocator's rules (WCA's extra/static_allocator.py) as data and as a pure function from rules and
 * tasks to allocations. A rule has a `name`, optional `labels` (label name → regular expression, matched
 * at the start of the value as Python's re.match does), an optional `task_id`, and `allocations`. Rules
 * apply in order; a later rule's keys override an earlier rule's for the same task.
 */
import type { TaskAllocations } from "../components/decisions.ts";
import { boolean, integer, listOf, mapOf, number, params, text, z } from "../config/schema.ts";
import { matchAtStart } from "../platform/regexp.ts";

/** A label pattern: Python `re` syntax, start-anchored; numbers (`job: 1`) are matched as text, as WCA did. */
const labelPattern = z.union([text(4096), z.number().transform(String)], {
  error: "expected a regular expression",
})
  .superRefine((value, ctx) => {
    try {
      matchAtStart(value);
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        message: `expected a regular expression (${(error as Error).message})`,
      });
    }
  });

export const allocationsSchema = params({
  cpu_quota: number(0).optional().describe("Share of the whole machine's CPU time; >= 1.0 is unlimited."),
  cpu_shares: number(0).optional().describe("Relative CPU weight, in units of cpu_shares_unit."),
  cpuset_cpus: text(4096).optional().describe('CPUs in list format, e.g. "0-3,8".'),
  cpuset_mems: text(4096).optional().describe('NUMA nodes in list format, e.g. "0".'),
  // WCA's configs wrote 0 and 1.
  cpuset_memory_migrate: z.union([boolean(), z.literal(0), z.literal(1)], { error: "expected true or false" })
    .transform((v) => v === true || v === 1).optional(),
  migrate_pages: integer(0).optional().describe("NUMA node to move the task's pages to."),
  rdt: params({
    name: text(256).optional(),
    l3: text(4096).optional(),
    mb: text(4096).optional(),
  }).optional(),
});

export const ruleSchema = params({
  name: text(256).optional().describe("Names the rule in messages."),
  labels: mapOf(labelPattern).optional().describe(
    "Label name → regular expression matched at the start of the task's label value; all must match.",
  ),
  task_id: text(4096).optional().describe("Matches only the task with this id."),
  allocations: allocationsSchema,
});

export const rulesSchema = listOf(ruleSchema, 10_000);

export type Rule = z.infer<typeof ruleSchema>;

/** What a rule needs to know about a task. */
export interface RuleTask {
  readonly taskId: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** A rule compiled once: its label patterns as RegExps. */
export interface CompiledRule {
  readonly name: string;
  readonly taskId: string | undefined;
  readonly labels: readonly (readonly [string, RegExp])[];
  readonly allocations: TaskAllocations;
}

export function compileRules(rules: readonly Rule[]): CompiledRule[] {
  return rules.map((rule, index) => ({
    name: rule.name ?? `#${index + 1}`,
    taskId: rule.task_id,
    labels: Object.entries(rule.labels ?? {}).map(([label, pattern]) =>
      [label, matchAtStart(pattern)] as const
    ),
    allocations: withoutUndefined(rule.allocations),
  }));
}

/**
 * Whether `rule` applies to `task`: its task_id (when given) is the task's, and every label it lists is
 * present and matches at the start. WCA matched a task when ANY listed label matched, and ignored `labels`
 * when `task_id` was given; both contradict its own description ("the rule applies to tasks whose labels
 * match"), so here every condition must hold.
 */
export function ruleMatches(rule: CompiledRule, task: RuleTask): boolean {
  if (rule.taskId !== undefined && rule.taskId !== task.taskId) return false;
  return rule.labels.every(([label, pattern]) => {
    const value = Object.hasOwn(task.labels, label) ? task.labels[label] : undefined;
    return value !== undefined && pattern.test(value);
  });
}

/**
 * The allocations the rules give the tasks: rules in order, later keys overriding earlier ones per task
 * (`rdt` is replaced whole, as WCA did). Only tasks that exist get allocations; a rule with a task_id of
 * no current task matches nothing (WCA emitted allocations for it anyway).
 */
export function allocationsFromRules(
  rules: readonly CompiledRule[],
  tasks: Iterable<RuleTask>,
): Map<string, TaskAllocations> {
  const result = new Map<string, TaskAllocations>();
  const list = [...tasks];
  for (const rule of rules) {
    if (Object.keys(rule.allocations).length === 0) continue;
    for (const task of list) {
      if (!ruleMatches(rule, task)) continue;
      result.set(task.taskId, { ...result.get(task.taskId), ...rule.allocations });
    }
  }
  return result;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
