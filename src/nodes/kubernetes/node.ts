/**
 * KubernetesNode: the pods on this node as tasks, from the kubelet (`GET /pods`, kubelet_enabled: true)
 * or from the API server (`GET /api/v1/namespaces/<ns>/pods`, the default, as WCA). A pod is a task
 * whose cgroup is the pod's and whose sub-cgroups are its containers'; labels are the pod's (sanitised)
 * plus its QoS class; resources are its containers' requests and limits.
 *
 * When the API cannot be asked (refused, timeout, HTTP error, not JSON, not a PodList) getTasks() says
 * so once per outage and throws TasksUnavailableError: the iteration measures the platform only. A pod
 * that cannot be measured (cgroup not there yet, unknown runtime) is skipped with one warning.
 */
import type { ComponentContext } from "../../components/component.ts";
import type { Node, Task } from "../../components/interfaces.ts";
import { loadTlsOptions, type SSL, type TlsOptions } from "../../components/ssl.ts";
import {
  boolean,
  cgroupPath,
  integer,
  listOf,
  number,
  oneOf,
  params,
  path,
  text,
  url,
  z,
} from "../../config/schema.ts";
import { getLogger } from "../../logging/mod.ts";
import { CgroupTree } from "../cgroup_tree.ts";
import { JsonClient, RequestFailure } from "../http_json.ts";
import { MAX_RESPONSE_BYTES, OrchestratorTasks, sslParam } from "../orchestrator.ts";
import {
  CGROUP_DRIVERS,
  containerCgroupPath,
  otherDriver,
  podCgroupPath,
  type PodPlace,
} from "./cgroup_paths.ts";
import { type Pod, type PodFilter, podItems, readPod } from "./pods.ts";
import { checkTokenFile, readToken } from "./secrets.ts";

const log = getLogger("wca.nodes.kubernetes");

export const SERVICE_TOKEN_FILENAME = "/var/run/secrets/kubernetes.io/serviceaccount/token";
export const SERVICE_CERT_FILENAME = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";

const schema = params({
  cgroup_driver: oneOf(CGROUP_DRIVERS).default("cgroupfs").describe(
    "The kubelet's cgroup driver (its --cgroup-driver): cgroupfs or systemd; it decides the pods' cgroup paths.",
  ),
  cgroup_root: cgroupPath({ absolute: true }).default("/").describe(
    "The kubelet's --cgroup-root: the cgroup the kubepods hierarchy is under.",
  ),
  ssl: sslParam().describe(
    "TLS for the kubelet (server CA, client certificate) or, when given, for the API server.",
  ),
  client_token_path: path().default(SERVICE_TOKEN_FILENAME).describe(
    "API server mode: the bearer token file (the pod's service-account token by default). A secret: " +
      "never logged; re-read on every request, as the kubelet rotates it.",
  ),
  server_cert_ca_path: path().default(SERVICE_CERT_FILENAME).describe(
    "API server mode without ssl: the CA bundle that signed the API server's certificate.",
  ),
  kubelet_enabled: boolean().default(false).describe(
    "true: ask the kubelet (kubelet_endpoint); false: ask the API server (kubeapi_host, kubeapi_port).",
  ),
  kubelet_endpoint: url().default("https://127.0.0.1:10250").describe("The kubelet's HTTPS endpoint."),
  kubeapi_host: text(253).optional().describe(
    "API server mode: its host (e.g. !Env KUBERNETES_SERVICE_HOST).",
  ),
  kubeapi_port: z.union([text(5), integer(1, 65535)], { error: "expected a port number" }).optional()
    .describe("API server mode: its port (a string from !Env KUBERNETES_SERVICE_PORT is fine)."),
  node_ip: text(64).optional().describe(
    "API server mode: only pods whose status.hostIP is this (e.g. !Env HOST_IP).",
  ),
  node_name: text(253).optional().describe(
    "API server mode: only pods bound to this node, filtered by the API server (fieldSelector " +
      "spec.nodeName; e.g. !Env NODE_NAME from the downward API).",
  ),
  timeout: number(0.1, 60).default(5).describe(
    "Seconds one getTasks() may take in all, connecting and reading included.",
  ),
  monitored_namespaces: listOf(text(253), 1000).default(["default"]).describe(
    "Namespaces whose pods are measured; an empty list means all.",
  ),
});

export type KubernetesNodeParams = z.infer<typeof schema>;

export class KubernetesNode implements Node {
  static readonly schema = schema;
  static readonly description = "Pods on this Kubernetes node (from the kubelet or the API server) as tasks.";
  readonly #params: KubernetesNodeParams;
  readonly #context: ComponentContext;
  readonly #client: JsonClient;
  readonly #paths: readonly string[];
  readonly #filter: PodFilter;
  readonly #orchestrator: OrchestratorTasks;
  #tree: CgroupTree | undefined;

  constructor(parameters: KubernetesNodeParams, context: ComponentContext) {
    this.#params = parameters;
    this.#context = context;
    const namespaces = parameters.monitored_namespaces;
    let base: string;
    let tls: TlsOptions;
    if (parameters.kubelet_enabled) {
      base = parameters.kubelet_endpoint;
      tls = parameters.ssl?.tlsOptions() ?? loadTlsOptions(true, undefined, undefined);
      this.#paths = ["/pods"];
      this.#filter = { namespaces };
    } else {
      base = apiServerUrl(parameters);
      tls = apiServerTls(parameters.ssl, parameters.server_cert_ca_path);
      checkTokenFile(parameters.client_token_path, log);
      const nodeName = parameters.node_name?.trim() || undefined;
      const nodeIp = parameters.node_ip?.trim() || undefined;
      if (nodeName === undefined && nodeIp === undefined) {
        throw new Error(
          "API server mode needs node_name or node_ip (else every pod of the cluster would be a task " +
            "here); or set kubelet_enabled: true",
        );
      }
      const selector = nodeName === undefined
        ? ""
        : `?fieldSelector=${encodeURIComponent(`spec.nodeName=${nodeName}`)}`;
      this.#paths = namespaces.length
        ? namespaces.map((ns) => `/api/v1/namespaces/${encodeURIComponent(ns)}/pods${selector}`)
        : [`/api/v1/pods${selector}`];
      this.#filter = {
        namespaces,
        ...(nodeName === undefined ? {} : { nodeName }),
        ...(nodeIp === undefined ? {} : { nodeIp }),
      };
    }
    this.#client = new JsonClient({
      baseUrl: base,
      tls,
      timeoutMs: parameters.timeout * 1000,
      maxBytes: MAX_RESPONSE_BYTES,
    });
    const source = parameters.kubelet_enabled ? "kubelet" : "API server";
    const what = `KubernetesNode (${source} ${this.#client.url(this.#paths[0]!)})`;
    this.#orchestrator = new OrchestratorTasks(log, what);
  }

  async getTasks(): Promise<Task[]> {
    const listing = this.#orchestrator.listing((item) => readPod(item, this.#filter));
    await this.#orchestrator.ask(() => this.#fetchPods((item) => listing.add(item)));
    const tree = this.#tree ??= CgroupTree.fromHost(this.#context.hostPaths);
    return this.#orchestrator.tasks(listing, (pod) => this.#task(tree, pod));
  }

  /** Releases the kept-alive connection. */
  close(): void {
    this.#client.close();
  }

  /** Asks for every path's PodList, handing its items to `each` as they arrive. */
  async #fetchPods(each: (item: unknown) => void): Promise<void> {
    const deadline = performance.now() + this.#params.timeout * 1000;
    for (const path of this.#paths) {
      const headers: Record<string, string> = this.#params.kubelet_enabled
        ? {}
        : { authorization: `Bearer ${this.#token()}` };
      const timeoutMs = Math.max(1, deadline - performance.now());
      const envelope = await this.#client.request(path, {
        headers,
        timeoutMs,
        items: { path: ["items"], each },
      });
      try {
        podItems(envelope);
      } catch (error) {
        throw new RequestFailure("malformed", (error as Error).message);
      }
    }
  }

  #token(): string {
    try {
      return readToken(this.#params.client_token_path);
    } catch (error) {
      throw new RequestFailure("credentials", (error as Error).message);
    }
  }

  /** The pod as a task when its cgroups exist; otherwise why not (with a hint). */
  #task(tree: CgroupTree, pod: Pod): Task | { skipped: string } {
    const place = podPlace(tree, {
      driver: this.#params.cgroup_driver,
      root: this.#params.cgroup_root,
      qos: pod.qos,
      uid: pod.cgroupUid,
    });
    const title = `pod ${pod.namespace}/${pod.name}`;
    const cgroup = podCgroupPath(place);
    const containers = pod.containers.map((container) => containerCgroupPath(place, container));
    const missing = [cgroup, ...containers].find((path) => !tree.exists(path));
    if (missing !== undefined) {
      const other = { ...place, driver: otherDriver(place.driver), root: "/" };
      const hint = tree.exists(podCgroupPath(other))
        ? `; the pod is at ${podCgroupPath(other)}: set cgroup_driver: ${other.driver}`
        : "; skipped until it appears";
      return { skipped: `${title}: no cgroup ${tree.dir(missing)}${hint}` };
    }
    if (pod.badQuantities.length) {
      this.#orchestrator.warnItem(
        pod.uid,
        "quantities",
        `${title}: unreadable resources ${pod.badQuantities.join(", ")}; left out`,
      );
    }
    return Object.freeze({
      name: `${pod.namespace}/${pod.name}`,
      task_id: pod.uid,
      cgroup_path: cgroup,
      subcgroups_paths: Object.freeze(containers),
      labels: Object.freeze({ ...pod.labels }),
      resources: Object.freeze({ ...pod.resources }),
    });
  }
}

/**
 * The pod's place, with the uid its cgroup exists under: on the cgroupfs driver some kubelets named a
 * static pod's cgroup after its uid without dashes, so that is tried when the dashed one is not there
 * (as WCA did).
 */
export function podPlace(tree: Pick<CgroupTree, "exists">, place: PodPlace): PodPlace {
  if (place.driver !== "cgroupfs" || !place.uid.includes("-") || tree.exists(podCgroupPath(place))) {
    return place;
  }
  const undashed = { ...place, uid: place.uid.replaceAll("-", "") };
  return tree.exists(podCgroupPath(undashed)) ? undashed : place;
}

/** https://host:port; an IPv6 host (as KUBERNETES_SERVICE_HOST may be) goes in brackets. */
function apiServerUrl(parameters: KubernetesNodeParams): string {
  const host = parameters.kubeapi_host?.trim();
  const port = String(parameters.kubeapi_port ?? "").trim();
  if (!host || !port) {
    throw new Error(
      "API server mode needs kubeapi_host and kubeapi_port (in a pod: !Env KUBERNETES_SERVICE_HOST and " +
        "!Env KUBERNETES_SERVICE_PORT); or set kubelet_enabled: true",
    );
  }
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    throw new Error(`kubeapi_port ${JSON.stringify(port)} is not a port number (1-65535)`);
  }
  const bracketed = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  const base = `https://${bracketed}:${port}`;
  try {
    new URL(base);
  } catch {
    throw new Error(`kubeapi_host ${JSON.stringify(host)} is not a host name or address`);
  }
  return base;
}

/** An explicit !SSL wins; otherwise verify against server_cert_ca_path (the cluster's CA). */
function apiServerTls(ssl: SSL | undefined, caPath: string): TlsOptions {
  if (ssl) return ssl.tlsOptions();
  try {
    return loadTlsOptions(caPath, undefined, undefined);
  } catch (error) {
    // The user wrote server_cert_ca_path (or left its in-pod default), not server_verify.
    const reason = (error as Error).message.replace(/^server_verify /, "");
    throw new Error(`server_cert_ca_path ${reason} (outside a pod, set server_cert_ca_path or ssl)`);
  }
}
