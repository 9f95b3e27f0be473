/**
 * MesosNode: the running tasks of this Mesos agent, from its operator API (`POST /api/v1`
 * `{"type": "GET_STATE"}` on mesos_agent_endpoint). A task's cgroup is its executor's, read from
 * /proc/<executor_pid>/cgroup in the hierarchy tasks are measured in (the Mesos containerizer with the
 * cgroups/cpu isolator puts it there). Outages are reported once and skip the iteration's tasks, as
 * KubernetesNode's.
 */
import type { ComponentContext } from "../../components/component.ts";
import type { Node, Task } from "../../components/interfaces.ts";
import { loadTlsOptions, type TlsOptions } from "../../components/ssl.ts";
import { boolean, number, params, url, type z } from "../../config/schema.ts";
import { getLogger } from "../../logging/mod.ts";
import { CgroupTree } from "../cgroup_tree.ts";
import { JsonClient, RequestFailure } from "../http_json.ts";
import { MAX_RESPONSE_BYTES, OrchestratorTasks, sslParam } from "../orchestrator.ts";
import { readProcCgroup } from "./proc_cgroup.ts";
import { LAUNCHED_TASKS, launchedTasks, type MesosTask, readLaunchedTask } from "./state.ts";

const log = getLogger("wca.nodes.mesos");

const schema = params({
  mesos_agent_endpoint: url().default("https://127.0.0.1:5051").describe(
    "The Mesos agent's operator API endpoint (http or https).",
  ),
  timeout: number(0.1, 60).default(5).describe(
    "Seconds one getTasks() may take in all, connecting and reading included.",
  ),
  ssl: sslParam().describe("TLS for the agent: server CA (or no verification), client certificate."),
  ssl_verify: boolean().optional().describe(
    "OWCA's older switch (the seeds' configs use it): true verifies against the system's CAs, false " +
      "does not verify. Prefer ssl: !SSL; both together are refused.",
  ),
});

export type MesosNodeParams = z.infer<typeof schema>;

export class MesosNode implements Node {
  static readonly schema = schema;
  static readonly description = "Running tasks of this Mesos agent (operator API GET_STATE) as tasks.";
  readonly #context: ComponentContext;
  readonly #client: JsonClient;
  readonly #orchestrator: OrchestratorTasks;
  #tree: CgroupTree | undefined;

  constructor(parameters: MesosNodeParams, context: ComponentContext) {
    this.#context = context;
    this.#client = new JsonClient({
      baseUrl: parameters.mesos_agent_endpoint,
      tls: tlsOf(parameters),
      timeoutMs: parameters.timeout * 1000,
      maxBytes: MAX_RESPONSE_BYTES,
    });
    const what = `MesosNode (${this.#client.url("/api/v1")})`;
    this.#orchestrator = new OrchestratorTasks(log, what);
  }

  async getTasks(): Promise<Task[]> {
    const listing = this.#orchestrator.listing(readLaunchedTask);
    await this.#orchestrator.ask(async () => {
      const envelope = await this.#client.request("/api/v1", {
        method: "POST",
        body: { type: "GET_STATE" },
        items: { path: LAUNCHED_TASKS, each: (item) => listing.add(item) },
      });
      try {
        launchedTasks(envelope);
      } catch (error) {
        throw new RequestFailure("malformed", (error as Error).message);
      }
    });
    const tree = this.#tree ??= CgroupTree.fromHost(this.#context.hostPaths);
    return this.#orchestrator.tasks(listing, (task) => this.#task(tree, task));
  }

  close(): void {
    this.#client.close();
  }

  #task(tree: CgroupTree, task: MesosTask): Task | { skipped: string } | undefined {
    const title = `task ${task.name} (${task.taskId})`;
    const found = readProcCgroup(this.#context.hostPaths, task.executorPid, tree.mount);
    if (found.kind === "gone") {
      // The task is ending: normal, worth a debug line, not a warning.
      log.debug(`${title}: executor ${task.executorPid} is gone`);
      return undefined;
    }
    if (found.kind === "unlisted" || found.path === "/") {
      // WCA's explanation: without the cgroups/cpu isolator the executor stays in the root cgroup.
      return {
        skipped: `skipped ${title}: its executor ${task.executorPid} is in no cgroup of its own in ` +
          `${tree.mount.mountPoint} (is the agent's cgroups/cpu isolator on?)`,
      };
    }
    return Object.freeze({
      name: task.name,
      task_id: task.taskId,
      cgroup_path: found.path,
      subcgroups_paths: Object.freeze([]),
      labels: Object.freeze({ ...task.labels }),
      resources: Object.freeze({ ...task.resources }),
    });
  }
}

function tlsOf(parameters: MesosNodeParams): TlsOptions {
  if (parameters.ssl && parameters.ssl_verify !== undefined) {
    throw new Error("give either ssl (an !SSL) or the older ssl_verify, not both");
  }
  if (parameters.ssl) return parameters.ssl.tlsOptions();
  if (parameters.ssl_verify === false) {
    log.warning(
      "MesosNode ssl_verify is false: the agent's certificate is not verified, so anyone on the network " +
        "path can impersonate it",
    );
  }
  return loadTlsOptions(parameters.ssl_verify ?? true, undefined, undefined);
}
