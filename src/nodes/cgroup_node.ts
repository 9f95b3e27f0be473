/**
 * Discovers tasks from the cgroup tree: every cgroup `depth` levels below one of `parents` (by default
 * the children of /system.slice, /docker and /machine.slice), so the agent is useful on a host with no
 * orchestrator. Task id and name are the cgroup path; a Docker container's task is named after the
 * container and labelled with its id, name, image and labels when the Docker socket is there.
 */
import type { ComponentContext } from "../components/component.ts";
import type { Node, Task } from "../components/interfaces.ts";
import {
  absolutePath,
  boolean,
  cgroupPath,
  integer,
  listOf,
  mapOf,
  params,
  regex,
  text,
  type z,
} from "../config/schema.ts";
import { getLogger } from "../logging/mod.ts";
import { describeDiscovery, plural } from "./cgroup_discovery.ts";
import { containerIdOf, containerLabels, DockerContainers } from "./docker_containers.ts";
import { CgroupTree, joinCgroupPath } from "./cgroup_tree.ts";
import { labelsOf } from "./static_node.ts";

const log = getLogger("wca.nodes.cgroup");

const schema = params({
  parents: listOf(cgroupPath({ absolute: true }), 100).default(["/system.slice", "/docker", "/machine.slice"])
    .describe("cgroups whose descendants are tasks; missing ones are skipped."),
  depth: integer(1, 8).default(1).describe("How many levels below a parent a task cgroup is."),
  require_pids: boolean().default(true).describe("Skip cgroups without processes."),
  include: regex().optional().describe("Only cgroup paths matching this regular expression."),
  exclude: regex().optional().describe("Skip cgroup paths matching this regular expression."),
  default_labels: mapOf(text(1024)).default({}).describe("Labels added to every task."),
  docker_socket: absolutePath().default("/var/run/docker.sock").describe(
    "The Docker Engine API socket: a container's task is named after the container and labelled with " +
      "container_id, container_name, image and its labels, asked once per container. Without the socket " +
      "names stay cgroup paths. In a container, mount the host's socket and name it here.",
  ),
});

export class CgroupNode implements Node {
  static readonly schema = schema;
  static readonly description = "Tasks discovered from the cgroup tree (no orchestrator needed).";
  readonly #params: z.infer<typeof schema>;
  readonly #context: ComponentContext;
  readonly #include: RegExp | undefined;
  readonly #exclude: RegExp | undefined;
  #tree: CgroupTree | undefined;
  readonly #docker: DockerContainers;
  #reported: { key: string; tasks: ReadonlySet<string> } | undefined;

  constructor(parameters: z.infer<typeof schema>, context: ComponentContext) {
    this.#params = parameters;
    this.#context = context;
    this.#include = parameters.include === undefined ? undefined : new RegExp(parameters.include);
    this.#exclude = parameters.exclude === undefined ? undefined : new RegExp(parameters.exclude);
    this.#docker = new DockerContainers(parameters.docker_socket);
  }

  async getTasks(): Promise<Task[]> {
    const tasks = this.#cgroupTasks();
    const ids = tasks.map((task) => containerIdOf(task.cgroup_path)).filter((id) => id !== undefined);
    const containers = await this.#docker.describe(ids);
    if (!containers.size) return tasks;
    return tasks.map((task) => {
      const id = containerIdOf(task.cgroup_path);
      const container = id === undefined ? undefined : containers.get(id);
      if (!container) return task;
      const labels = { ...containerLabels(container), ...task.labels };
      return Object.freeze({ ...task, name: container.name, labels });
    });
  }

  close(): void {
    this.#docker.close();
  }

  #cgroupTasks(): Task[] {
    const tree = this.#tree ??= CgroupTree.fromHost(this.#context.hostPaths);
    const tasks: Task[] = [];
    const seen = new Set<string>();
    const present = this.#params.parents.filter((parent) => tree.exists(parent));
    let matched = 0;
    for (const parent of present) {
      for (const path of this.#descendants(tree, parent, this.#params.depth)) {
        if (seen.has(path)) continue;
        seen.add(path);
        if (!this.#wanted(path)) continue;
        matched++;
        if (this.#params.require_pids) {
          const pids = tree.pids(path);
          if (!pids?.length) continue;
        }
        tasks.push(Object.freeze({
          name: path,
          task_id: path,
          cgroup_path: path,
          subcgroups_paths: [],
          labels: labelsOf(this.#params.default_labels),
          resources: {},
        }));
      }
    }
    this.#report(tree, present, { candidates: seen.size, matched, tasks });
    return tasks;
  }

  /** Says what was found once, again when the answer changes; at debug, which tasks came and went. */
  #report(
    tree: CgroupTree,
    present: readonly string[],
    counts: { candidates: number; matched: number; tasks: readonly Task[] },
  ): void {
    const { parents, depth, require_pids, include, exclude } = this.#params;
    const report = describeDiscovery({
      mountPoint: tree.mount.mountPoint,
      present,
      missing: parents.filter((parent) => !present.includes(parent)),
      depth,
      candidates: counts.candidates,
      matched: counts.matched,
      tasks: counts.tasks.length,
      requirePids: require_pids,
      filtered: include !== undefined || exclude !== undefined,
      topLevel: present.length ? [] : tree.children("/"),
    });
    const ids = new Set(counts.tasks.map((task) => task.task_id));
    const before = this.#reported;
    if (report.key !== before?.key) {
      if (report.found) log.info(report.message);
      else log.warning(report.message);
    }
    if (log.isEnabledFor("DEBUG")) {
      const known = before?.tasks ?? new Set<string>();
      const added = [...ids].filter((id) => !known.has(id));
      const removed = [...known].filter((id) => !ids.has(id));
      if (added.length || removed.length) {
        log.debug(
          `CgroupNode: ${plural(ids.size, "task")}; new: ${namesOf(added)}; gone: ${namesOf(removed)}`,
        );
      }
    }
    this.#reported = { key: report.key, tasks: ids };
  }

  #wanted(path: string): boolean {
    if (this.#include && !this.#include.test(path)) return false;
    return !(this.#exclude && this.#exclude.test(path));
  }

  *#descendants(tree: CgroupTree, parent: string, depth: number): Generator<string> {
    for (const child of tree.children(parent)) {
      const path = joinCgroupPath(parent, child);
      if (depth === 1) yield path;
      else yield* this.#descendants(tree, path, depth - 1);
    }
  }
}

const NAMES_SHOWN = 10;

/** A list of task ids short enough for one log line. */
function namesOf(ids: readonly string[]): string {
  if (!ids.length) return "none";
  const more = ids.length > NAMES_SHOWN ? ` and ${ids.length - NAMES_SHOWN} more` : "";
  return ids.slice(0, NAMES_SHOWN).join(", ") + more;
}
