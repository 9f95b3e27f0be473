/**
 * A PodList (the kubelet's GET /pods, the API server's GET /api/v1/…/pods) as pods to measure. Pure.
 * Shapes from the Kubernetes API reference (core/v1 Pod): metadata.{uid,name,namespace,labels,
 * annotations}, spec.{nodeName,containers[].resources}, status.{phase,hostIP,qosClass,conditions[],
 * containerStatuses[].{name,ready,containerID}}.
 */
import { sanitizeLabelName } from "../cgroup_tree.ts";
import { isObject, type ItemVerdict, type Json, str } from "../json_fields.ts";
import { type ContainerRef, isPodUid, parseContainerId, type QosClass } from "./cgroup_paths.ts";
import { parseQuantity } from "./quantity.ts";

/** WCA's label with the pod's QoS class (guaranteed, burstable, besteffort). */
export const QOS_LABEL = "app_kubernetes_io__qos_class";

/**
 * Static pods: the API server shows a mirror pod (marked by config.mirror) whose uid differs from the
 * static pod's. The kubelet names the cgroup after the static pod's uid, which is its config.hash (the
 * mirror pod copies it); config.mirror holds the same hash since Kubernetes 1.14 ("mirror" before).
 */
const MIRROR_ANNOTATION = "kubernetes.io/config.mirror";
const HASH_ANNOTATION = "kubernetes.io/config.hash";

export interface PodFilter {
  /** Namespaces to measure; empty means all. */
  readonly namespaces: readonly string[];
  /** API server mode: only pods bound to this node (spec.nodeName). */
  readonly nodeName?: string;
  /** API server mode: only pods whose status.hostIP is this. */
  readonly nodeIp?: string;
}

export interface Pod {
  readonly uid: string;
  /** The uid the kubelet named the pod's cgroup after (a static pod's config hash). */
  readonly cgroupUid: string;
  readonly namespace: string;
  readonly name: string;
  readonly qos: QosClass;
  readonly labels: Readonly<Record<string, string>>;
  readonly resources: Readonly<Record<string, number>>;
  readonly containers: readonly (ContainerRef & { readonly name: string })[];
  /** Quantities that could not be read, for a warning. */
  readonly badQuantities: readonly string[];
}

export type PodVerdict = ItemVerdict<Pod>;

/** The list of pods of a PodList; throws an Error naming what is missing. */
export function podItems(document: unknown): unknown[] {
  if (!isObject(document)) throw new Error("the answer is not a JSON object (expected a PodList)");
  const items = document.items;
  // An empty PodList may come with "items": null from some API versions.
  if (items === null) return [];
  if (!Array.isArray(items)) {
    const kind = str(document.kind) ?? "no kind";
    throw new Error(`the answer has no 'items' list (expected a PodList, got ${kind})`);
  }
  return items;
}

const QOS: Readonly<Record<string, QosClass>> = {
  Guaranteed: "guaranteed",
  Burstable: "burstable",
  BestEffort: "besteffort",
};

/** Decides whether one PodList item is a pod to measure, and reads it. */
export function readPod(item: unknown, filter: PodFilter): PodVerdict {
  const metadata = isObject(item) && isObject(item.metadata) ? item.metadata : undefined;
  const status = isObject(item) && isObject(item.status) ? item.status : undefined;
  const spec = isObject(item) && isObject(item.spec) ? item.spec : undefined;
  const uid = str(metadata?.uid);
  const name = str(metadata?.name);
  const namespace = str(metadata?.namespace);
  if (!metadata || !uid || !name || !namespace) {
    return { kind: "invalid", key: uid ?? "?", reason: "a pod without metadata.uid, name or namespace" };
  }
  const title = `pod ${namespace}/${name}`;
  if (filter.namespaces.length && !filter.namespaces.includes(namespace)) {
    return { kind: "ignored", reason: `${title}: namespace not monitored` };
  }
  if (filter.nodeName !== undefined && str(spec?.nodeName) !== filter.nodeName) {
    return { kind: "ignored", reason: `${title}: on another node` };
  }
  if (filter.nodeIp !== undefined && str(status?.hostIP)?.trim() !== filter.nodeIp) {
    return {
      kind: "ignored",
      reason: `${title}: not on this node (hostIP ${str(status?.hostIP) ?? "unset"})`,
    };
  }
  const invalid = (reason: string): PodVerdict => ({
    kind: "invalid",
    key: uid,
    reason: `${title}: ${reason}`,
  });
  if (!status || !spec) return invalid("no status or spec");
  const phase = str(status.phase);
  if (phase !== "Running") return { kind: "ignored", reason: `${title}: phase ${phase ?? "unknown"}` };
  if (!isReady(status)) return { kind: "ignored", reason: `${title}: not ready` };
  const qos = QOS[str(status.qosClass) ?? ""];
  if (!qos) return invalid(`status.qosClass is ${JSON.stringify(status.qosClass ?? null)}`);
  const annotations = isObject(metadata.annotations) ? metadata.annotations : {};
  const mirror = str(annotations[MIRROR_ANNOTATION]);
  const cgroupUid = mirror === undefined ? uid : str(annotations[HASH_ANNOTATION]) ?? mirror;
  if (!isPodUid(cgroupUid)) return invalid(`uid ${JSON.stringify(cgroupUid)} is not a pod uid`);
  const statuses = Array.isArray(status.containerStatuses) ? status.containerStatuses : [];
  if (!statuses.length) return { kind: "ignored", reason: `${title}: no container statuses yet` };
  const containers: (ContainerRef & { name: string })[] = [];
  for (const container of statuses) {
    const containerName = isObject(container) ? str(container.name) ?? "?" : "?";
    const id = isObject(container) ? str(container.containerID) : undefined;
    if (!isObject(container) || container.ready !== true || !id) {
      return { kind: "ignored", reason: `${title}: container ${containerName} not ready` };
    }
    const ref = parseContainerId(id);
    if (!ref) {
      return invalid(
        `container ${containerName} has id ${JSON.stringify(id)}; expected docker://, containerd:// or ` +
          "cri-o:// and a hex id",
      );
    }
    containers.push({ ...ref, name: containerName });
  }
  const { resources, bad } = podResources(spec);
  return {
    kind: "ok",
    key: uid,
    item: {
      uid,
      cgroupUid,
      namespace,
      name,
      qos,
      labels: podLabels(metadata.labels, qos),
      resources,
      containers,
      badQuantities: bad,
    },
  };
}

/** The pod's Ready condition is True (all containers ready and readiness gates passed). */
function isReady(status: Json): boolean {
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  return conditions.some((c) => isObject(c) && c.type === "Ready" && c.status === "True");
}

/**
 * WCA's sanitising ("app.kubernetes.io/name" → "app_kubernetes_io__name": "." and "-" to "_", "/" to
 * "__"), then anything Prometheus still refuses to "_"; plus the QoS class.
 */
export function podLabels(labels: unknown, qos: QosClass): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(labels)) {
    for (const [key, value] of Object.entries(labels)) {
      if (typeof value !== "string") continue;
      out[sanitizeLabelName(key.replace(/[.-]/g, "_").replaceAll("/", "__"))] = value;
    }
  }
  out[QOS_LABEL] = qos;
  return out;
}

/** The requests WCA also gives short names, as Mesos has them (docs/kubernetes.rst: cpus, mem, disk). */
const SHORT: Readonly<Record<string, string>> = { cpu: "cpus", memory: "mem", "ephemeral-storage": "disk" };

/**
 * Sums the containers' requests and limits under WCA's keys, `<type>_<Kubernetes resource name>`
 * (requests_cpu, limits_memory, requests_ephemeral-storage, …; CPU in cores, the rest in bytes), and the
 * requests again as cpus, mem and disk (task_requested_cpus, …_mem_bytes). WCA's disk never matched
 * (it looked up `ephemeral-storage` without the `requests_`); here it is the ephemeral-storage request.
 */
export function podResources(spec: Json): { resources: Record<string, number>; bad: string[] } {
  const sums: Record<string, number> = {};
  const bad: string[] = [];
  const containers = Array.isArray(spec.containers) ? spec.containers : [];
  for (const container of containers) {
    const resources = isObject(container) && isObject(container.resources) ? container.resources : {};
    for (const type of ["requests", "limits"] as const) {
      const entries = isObject(resources[type]) ? resources[type] : {};
      for (const [name, raw] of Object.entries(entries)) {
        const value = typeof raw === "number" ? raw : parseQuantity(String(raw));
        if (value === undefined) {
          bad.push(`${type}.${name}=${JSON.stringify(raw)}`);
          continue;
        }
        const key = `${type}_${name}`;
        sums[key] = (sums[key] ?? 0) + value;
      }
    }
  }
  const resources: Record<string, number> = {};
  // Sums of "100m" + "200m" should read 0.3, not 0.30000000000000004.
  for (const [key, value] of Object.entries(sums)) resources[key] = Number(value.toPrecision(15));
  for (const [long, short] of Object.entries(SHORT)) {
    const requested = resources[`requests_${long}`];
    if (requested !== undefined) resources[short] = requested;
  }
  return { resources, bad };
}
