/**
 * PodList and GET_STATE documents shaped by the upstream API references (Kubernetes core/v1 Pod and
 * PodList; Mesos operator API v1 GET_STATE), for the local servers of the node tests.
 */

export type Qos = "Guaranteed" | "Burstable" | "BestEffort";

export interface PodSpec {
  uid: string;
  name: string;
  namespace?: string;
  qos: Qos;
  /** containerID values as the kubelet reports them, e.g. "containerd://<64 hex>". */
  containers: ReadonlyArray<{ name: string; id: string; ready?: boolean }>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Per container, in order: requests and limits as Kubernetes quantities. */
  resources?: ReadonlyArray<{ requests?: Record<string, string>; limits?: Record<string, string> }>;
  phase?: string;
  ready?: boolean;
  nodeName?: string;
  hostIP?: string;
}

/** One core/v1 Pod. */
export function pod(spec: PodSpec): Record<string, unknown> {
  const ready = spec.ready ?? true;
  const phase = spec.phase ?? "Running";
  return {
    metadata: {
      name: spec.name,
      namespace: spec.namespace ?? "default",
      uid: spec.uid,
      resourceVersion: "4711",
      creationTimestamp: "2025-01-01T00:00:00Z",
      labels: spec.labels ?? {},
      annotations: spec.annotations ?? {},
    },
    spec: {
      nodeName: spec.nodeName ?? "node-1",
      containers: spec.containers.map((c, i) => ({
        name: c.name,
        image: "registry.example/app:1",
        resources: spec.resources?.[i] ?? {},
      })),
      restartPolicy: "Always",
    },
    status: {
      phase,
      hostIP: spec.hostIP ?? "10.0.0.1",
      podIP: "10.244.1.7",
      qosClass: spec.qos,
      conditions: [
        { type: "Initialized", status: "True" },
        { type: "Ready", status: ready ? "True" : "False" },
        { type: "ContainersReady", status: ready ? "True" : "False" },
        { type: "PodScheduled", status: "True" },
      ],
      containerStatuses: spec.containers.map((c) => ({
        name: c.name,
        ready: c.ready ?? ready,
        restartCount: 0,
        image: "registry.example/app:1",
        imageID: "registry.example/app@sha256:00",
        containerID: c.id,
        state: { running: { startedAt: "2025-01-01T00:00:01Z" } },
      })),
    },
  };
}

export function podList(pods: readonly Record<string, unknown>[]): Record<string, unknown> {
  return { kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "4711" }, items: pods };
}

export interface MesosTaskSpec {
  name: string;
  taskId: string;
  executorPid: number;
  state?: string;
  labels?: Record<string, string>;
  /** SCALAR resources: cpus in cores, mem and disk in MB. */
  scalars?: Record<string, number>;
}

/** A GET_STATE answer of a Mesos agent. */
export function getState(tasks: readonly MesosTaskSpec[]): Record<string, unknown> {
  return {
    type: "GET_STATE",
    get_state: {
      get_tasks: {
        launched_tasks: tasks.map((t) => ({
          name: t.name,
          task_id: { value: t.taskId },
          framework_id: { value: "framework-1" },
          agent_id: { value: "agent-1" },
          state: t.state ?? "TASK_RUNNING",
          resources: [
            ...Object.entries(t.scalars ?? { cpus: 1, mem: 128, disk: 64 }).map(([name, value]) => ({
              name,
              type: "SCALAR",
              scalar: { value },
              role: "*",
            })),
            { name: "ports", type: "RANGES", ranges: { range: [{ begin: 31000, end: 31001 }] } },
          ],
          labels: { labels: Object.entries(t.labels ?? {}).map(([key, value]) => ({ key, value })) },
          statuses: [
            { task_id: { value: t.taskId }, state: "TASK_STARTING", timestamp: 1 },
            {
              task_id: { value: t.taskId },
              state: t.state ?? "TASK_RUNNING",
              agent_id: { value: "agent-1" },
              executor_id: { value: `executor-${t.taskId}` },
              timestamp: 2,
              container_status: {
                container_id: { value: `container-${t.taskId}` },
                executor_pid: t.executorPid,
              },
            },
          ],
        })),
      },
      get_executors: {},
      get_frameworks: {},
    },
  };
}
