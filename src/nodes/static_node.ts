/** A fixed list of tasks, each a cgroup: for hosts without an orchestrator and for trying wca out. */
import type { ComponentContext } from "../components/component.ts";
import type { Node, Task } from "../components/interfaces.ts";
import { boolean, cgroupPath, listOf, mapOf, params, text, z } from "../config/schema.ts";
import { getLogger, OnceLog } from "../logging/mod.ts";
import { CgroupTree, joinCgroupPath, sanitizeLabelName } from "./cgroup_tree.ts";

const log = getLogger("wca.nodes.static");

const schema = params({
  tasks: listOf(cgroupPath().refine((v) => v !== "" && v !== "/", { error: "expected a task (cgroup) name" }))
    .describe("Task names; each is a cgroup path relative to `directory` (e.g. task1 or docker/abc)."),
  require_pids: boolean().default(false).describe("Skip tasks whose cgroup has no processes."),
  default_labels: mapOf(text(1024)).default({}).describe("Labels added to every task."),
  default_resources: mapOf(z.union([z.number(), text(256)], { error: "expected a number or a string" }))
    .default({}).describe("Resources (e.g. cpus, mem) reported for every task."),
  tasks_labels: mapOf(mapOf(text(1024))).default({}).describe("Extra labels per task name."),
  directory: cgroupPath().default("/").describe("The cgroup under which task names are looked up."),
});

export class StaticNode implements Node {
  static readonly schema = schema;
  static readonly description = "A static list of tasks given by cgroup name.";
  readonly #params: z.infer<typeof schema>;
  readonly #context: ComponentContext;
  #tree: CgroupTree | undefined;
  /** Tasks already warned about, so a missing cgroup is reported once, not every second. */
  readonly #once = new OnceLog(log);

  constructor(parameters: z.infer<typeof schema>, context: ComponentContext) {
    this.#params = parameters;
    this.#context = context;
    for (const name of Object.keys(parameters.tasks_labels)) {
      if (!parameters.tasks.includes(name)) {
        log.warning(`tasks_labels names '${name}', which is not in tasks`);
      }
    }
  }

  getTasks(): Task[] {
    this.#tree ??= CgroupTree.fromHost(this.#context.hostPaths);
    const tasks: Task[] = [];
    for (const name of this.#params.tasks) {
      const path = joinCgroupPath(this.#params.directory, name);
      // A stat is enough to know the cgroup exists; the process list only matters with require_pids.
      const pids = this.#params.require_pids
        ? this.#tree.pids(path)
        : this.#tree.exists(path)
        ? []
        : undefined;
      if (pids === undefined) {
        this.#once.warn(name, `task ${name}: cgroup ${this.#tree.dir(path)} does not exist; skipped`);
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
