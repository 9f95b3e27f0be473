/**
 * A fixed list of tasks, each a cgroup: for hosts without an orchestrator and for trying wca out. With
 * `directory` and no task list, the directory's child cgroups are the tasks (looked at every iteration).
 */
import type { ComponentContext } from "../components/component.ts";
import type { Node, Task } from "../components/interfaces.ts";
import { boolean, cgroupPath, listOf, mapOf, params, text, z } from "../config/schema.ts";
import { getLogger, OnceLog } from "../logging/mod.ts";
import { CgroupTree, joinCgroupPath, sanitizeLabelName } from "./cgroup_tree.ts";

const log = getLogger("wca.nodes.static");

const schema = params({
  tasks: listOf(cgroupPath().refine((v) => v !== "" && v !== "/", { error: "expected a task (cgroup) name" }))
    .describe(
      "Task names; each is a cgroup path relative to `directory` (e.g. task1 or docker/abc). Empty with a " +
        "`directory`: the directory's child cgroups are the tasks.",
    ),
  require_pids: boolean().default(false).describe("Skip tasks whose cgroup has no processes."),
  default_labels: mapOf(text(1024)).default({}).describe("Labels added to every task."),
  default_resources: mapOf(z.union([z.number(), text(256)], { error: "expected a number or a string" }))
    .default({}).describe("Resources (e.g. cpus, mem) reported for every task."),
  tasks_labels: mapOf(mapOf(text(1024))).default({}).describe("Extra labels per task name."),
  directory: cgroupPath().optional().describe(
    "The cgroup under which task names are looked up, relative to the cgroup root (docker and /docker are " +
      "the same); default: the root.",
  ),
});

export class StaticNode implements Node {
  static readonly schema = schema;
  static readonly description = "A static list of tasks given by cgroup name.";
  readonly #params: z.infer<typeof schema>;
  readonly #context: ComponentContext;
  #tree: CgroupTree | undefined;
  /** Tasks already warned about, so a missing cgroup is reported once, not every second. */
  readonly #once = new OnceLog(log);
  /** The directory as a cgroup path from the root ("/docker"). */
  readonly #directory: string;
  /** No task list but a directory: its child cgroups are the tasks. */
  readonly #discover: boolean;
  #counted = false;

  constructor(parameters: z.infer<typeof schema>, context: ComponentContext) {
    this.#params = parameters;
    this.#context = context;
    const directory = parameters.directory ?? "/";
    this.#directory = directory.startsWith("/") ? directory : `/${directory}`;
    this.#discover = parameters.tasks.length === 0 && parameters.directory !== undefined;
    for (const name of Object.keys(parameters.tasks_labels)) {
      if (!this.#discover && !parameters.tasks.includes(name)) {
        log.warning(`tasks_labels names '${name}', which is not in tasks`);
      }
    }
  }

  getTasks(): Task[] {
    const tree = this.#tree ??= CgroupTree.fromHost(this.#context.hostPaths);
    const names = this.#discover ? this.#children(tree) : this.#params.tasks;
    const tasks = this.#tasks(tree, names);
    this.#once.retain(new Set([...names, "\0directory"]));
    if (!this.#counted) {
      this.#counted = true;
      log.info(this.#startLine(tree, names.length, tasks.length));
    }
    return tasks;
  }

  /** The directory's child cgroups, sorted; none (warned once) while the directory does not exist. */
  #children(tree: CgroupTree): string[] {
    if (!tree.exists(this.#directory)) {
      this.#once.warn("\0directory", `directory ${tree.dir(this.#directory)} does not exist; no tasks`);
      return [];
    }
    this.#once.clear("\0directory");
    return tree.children(this.#directory);
  }

  #startLine(tree: CgroupTree, listed: number, found: number): string {
    const where = tree.dir(this.#directory);
    if (this.#discover) return `StaticNode: ${found} task(s): the child cgroups of ${where}`;
    if (listed === 0) {
      return "StaticNode: no tasks (tasks: []); list them, or give a directory whose child cgroups are the tasks";
    }
    return `StaticNode: ${found} of ${listed} listed task(s) found under ${where}`;
  }

  #tasks(tree: CgroupTree, names: readonly string[]): Task[] {
    const tasks: Task[] = [];
    for (const name of names) {
      const path = joinCgroupPath(this.#directory, name);
      // A stat is enough to know the cgroup exists; the process list only matters with require_pids.
      const pids = this.#params.require_pids ? tree.pids(path) : tree.exists(path) ? [] : undefined;
      if (pids === undefined && this.#discover) continue; // removed since it was listed: simply gone
      if (pids === undefined) {
        this.#once.warn(name, `task ${name}: cgroup ${tree.dir(path)} does not exist; skipped`);
        continue;
      }
      if (this.#params.require_pids && pids.length === 0) {
        this.#once.warn(name, `task ${name}: cgroup ${path} has no processes; skipped (require_pids)`);
        continue;
      }
      this.#once.clear(name);
      tasks.push(Object.freeze({
        name,
        task_id: name,
        cgroup_path: path,
        subcgroups_paths: [],
        labels: labelsOf({ ...this.#params.default_labels, ...this.#params.tasks_labels[name] }),
        resources: { ...this.#params.default_resources },
      }));
    }
    return tasks;
  }
}

export function labelsOf(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).map(([key, value]) => [sanitizeLabelName(key), value]));
}
