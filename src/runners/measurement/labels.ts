/**
 * Task label generators: derive labels (e.g. `application`) from a task's name or labels. WCA's
 * TaskLabelRegexGenerator with Python-style `\1` backreferences accepted alongside JavaScript's `$1`.
 */
import type { Task } from "../../components/interfaces.ts";
import type { ComponentInterface } from "../../components/interfaces.ts";
import { params, regex, text, type z } from "../../config/schema.ts";
import type { Labels } from "../../metrics/metric.ts";

export interface TaskLabelGenerator {
  /** The label value for `task`, or undefined to leave the label out. */
  generate(task: Task): string | undefined;
}

export const TaskLabelGeneratorInterface: ComponentInterface = Object.freeze({
  name: "TaskLabelGenerator",
  methods: ["generate"],
});

const schema = params({
  pattern: regex(1024).describe("Regular expression matched against the source."),
  repl: text(1024).default("").describe("Replacement; \\1 or $1 refer to groups."),
  source: text(256).default("task_name").describe("task_name, task_id, or the name of a task label."),
});

export class TaskLabelRegexGenerator implements TaskLabelGenerator {
  static readonly schema = schema;
  static readonly description = "Generates a task label by regex substitution on the task name or a label.";
  readonly #pattern: RegExp;
  readonly #repl: string;
  readonly #source: string;

  constructor(parameters: z.infer<typeof schema>) {
    // Global, as Python's re.sub replaces every match.
    this.#pattern = new RegExp(parameters.pattern, "g");
    // "$1" and Python's "\1" are groups; any other "$" is literal (escaped for String.replace).
    this.#repl = parameters.repl.replace(/\$(?!\d)/g, "$$$$").replace(/\\(\d)/g, "$$$1");
    this.#source = parameters.source;
  }

  generate(task: Task): string | undefined {
    const value = this.#source === "task_name"
      ? task.name
      : this.#source === "task_id"
      ? task.task_id
      : task.labels[this.#source];
    return value === undefined ? undefined : value.replace(this.#pattern, this.#repl);
  }
}

/** WCA's defaults: application = the task name; application_version_name = "". */
export function defaultLabelGenerators(): Record<string, TaskLabelGenerator> {
  return {
    application: new TaskLabelRegexGenerator({ pattern: "$", repl: "", source: "task_name" }),
    // WCA's pattern is ^.*$; JavaScript's "." stops at \r (Python's does not), and a cgroup name may hold one.
    application_version_name: new TaskLabelRegexGenerator({
      pattern: String.raw`^[\s\S]*$`,
      repl: "",
      source: "task_name",
    }),
  };
}

/** Labels of a task's metrics: common labels, the task's own, generated ones, then task_id and task_name. */
export function taskLabels(
  task: Task,
  common: Record<string, string>,
  generators: Readonly<Record<string, TaskLabelGenerator>>,
): Record<string, string> {
  const labels: Record<string, string> = { ...common, ...task.labels };
  for (const [name, generator] of Object.entries(generators)) {
    const value = generator.generate(task);
    if (value !== undefined) labels[name] = value;
  }
  labels.task_id = task.task_id;
  labels.task_name = task.name;
  return labels;
}

function sameLabels(a: Labels, b: Labels): boolean {
  if (a === b) return true;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

/**
 * Each task's frozen labels, kept while they do not change: encoders remember a label set's text by its
 * object, so a task's label text is made once, not every iteration. The same for the labels of its
 * per-NUMA-node metrics.
 */
export class TaskLabelCache {
  readonly #byTask = new Map<string, CachedLabels>();

  /**
   * The task's labels: the object of the last iteration when nothing they are made of changed (the
   * generators run only then).
   */
  labels(
    task: Task,
    common: Record<string, string>,
    generators: Readonly<Record<string, TaskLabelGenerator>>,
  ): Labels {
    const cached = this.#byTask.get(task.task_id);
    if (
      cached && cached.name === task.name && sameLabels(cached.common, common) &&
      sameLabels(cached.taskLabels, task.labels)
    ) return cached.labels;
    const labels = Object.freeze(taskLabels(task, common, generators));
    const taskOwn = Object.freeze({ ...task.labels });
    const commonCopy = Object.freeze({ ...common });
    this.#byTask.set(task.task_id, {
      name: task.name,
      common: commonCopy,
      taskLabels: taskOwn,
      labels,
      numa: new Map(),
    });
    return labels;
  }

  /** `labels` (what labels() returned for the task) with numa_node. */
  numaLabels(taskId: string, labels: Labels, node: number): Labels {
    const numa = this.#byTask.get(taskId)?.numa;
    let out = numa?.get(node);
    if (out === undefined) {
      out = Object.freeze({ ...labels, numa_node: String(node) });
      numa?.set(node, out);
    }
    return out;
  }

  /** Forgets tasks not in `taskIds` (gone from the node). */
  retain(taskIds: ReadonlySet<string>): void {
    for (const id of this.#byTask.keys()) if (!taskIds.has(id)) this.#byTask.delete(id);
  }
}

interface CachedLabels {
  /** What the labels were made of: the task's name and labels, and the common labels object. */
  readonly name: string;
  readonly common: Labels;
  readonly taskLabels: Labels;
  readonly labels: Labels;
  readonly numa: Map<number, Labels>;
}
