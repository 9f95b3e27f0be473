/** PodList items as pods to measure: filters, readiness, QoS, labels and summed resources. */
import assert from "node:assert/strict";
import { podItems, podLabels, podResources, QOS_LABEL, readPod } from "../../../src/nodes/kubernetes/pods.ts";
import { pod, podList } from "../../helpers/k8s_docs.ts";

const ID = "ab".repeat(32);
const base = {
  uid: "0f5c7e1a-2b3c-4d5e-8f90-123456789abc",
  name: "web-0",
  qos: "Burstable" as const,
  containers: [{ name: "app", id: `containerd://${ID}` }],
};
const all = { namespaces: [] };

Deno.test("podItems: a PodList's items; anything else is named", () => {
  assert.equal(podItems(podList([pod(base)])).length, 1);
  assert.deepEqual(podItems({ kind: "PodList", items: null }), []);
  assert.throws(() => podItems("[]"), /not a JSON object/);
  assert.throws(
    () => podItems({ kind: "Status", status: "Failure" }),
    /no 'items' list \(expected a PodList, got Status\)/,
  );
});

Deno.test("readPod: a running, ready pod", () => {
  const verdict = readPod(pod({ ...base, labels: { "app.kubernetes.io/name": "web", tier: "front" } }), all);
  assert.equal(verdict.kind, "ok");
  if (verdict.kind !== "ok") return;
  assert.equal(verdict.item.qos, "burstable");
  assert.equal(verdict.item.cgroupUid, base.uid);
  assert.deepEqual(verdict.item.containers, [{ name: "app", runtime: "containerd", id: ID }]);
  assert.deepEqual(verdict.item.labels, {
    app_kubernetes_io__name: "web",
    tier: "front",
    [QOS_LABEL]: "burstable",
  });
});

Deno.test("readPod: what is skipped, and what is worth a warning", () => {
  const cases: Array<[string, unknown, Parameters<typeof readPod>[1], string, RegExp]> = [
    ["pending", pod({ ...base, phase: "Pending" }), all, "ignored", /phase Pending/],
    ["succeeded", pod({ ...base, phase: "Succeeded" }), all, "ignored", /phase Succeeded/],
    ["not ready", pod({ ...base, ready: false }), all, "ignored", /not ready/],
    [
      "a container not ready",
      pod({
        ...base,
        containers: [{ name: "a", id: `docker://${ID}` }, { name: "b", id: `docker://${ID}`, ready: false }],
      }),
      all,
      "ignored",
      /container b not ready/,
    ],
    [
      "other namespace",
      pod({ ...base, namespace: "kube-system" }),
      { namespaces: ["default"] },
      "ignored",
      /namespace/,
    ],
    [
      "other node",
      pod({ ...base, nodeName: "node-2" }),
      { namespaces: [], nodeName: "node-1" },
      "ignored",
      /another node/,
    ],
    [
      "other host IP",
      pod({ ...base, hostIP: "10.0.0.9" }),
      { namespaces: [], nodeIp: "10.0.0.1" },
      "ignored",
      /hostIP 10.0.0.9/,
    ],
    [
      "unknown runtime",
      pod({ ...base, containers: [{ name: "a", id: `rkt://${ID}` }] }),
      all,
      "invalid",
      /rkt:\/\//,
    ],
    [
      "no qosClass",
      { ...pod(base), status: { ...(pod(base).status as object), qosClass: undefined } },
      all,
      "invalid",
      /qosClass/,
    ],
    ["a uid that climbs", pod({ ...base, uid: "../../etc" }), all, "invalid", /not a pod uid/],
    ["no metadata", { spec: {} }, all, "invalid", /without metadata/],
  ];
  for (const [name, item, filter, kind, reason] of cases) {
    const verdict = readPod(item, filter);
    assert.equal(verdict.kind, kind, name);
    assert.match((verdict as { reason: string }).reason, reason, name);
  }
});

Deno.test("readPod: a static pod's cgroup is named after its config hash, not the mirror pod's uid", () => {
  const cgroupUid = (annotations: Record<string, string>) => {
    const verdict = readPod(pod({ ...base, annotations }), all);
    assert.equal(verdict.kind, "ok");
    return verdict.kind === "ok" ? verdict.item.cgroupUid : undefined;
  };
  const hash = "6a3b1c2d4e5f60718293a4b5c6d7e8f9";
  // The API server's mirror pod (Kubernetes >= 1.14): both annotations hold the static pod's uid.
  assert.equal(
    cgroupUid({ "kubernetes.io/config.mirror": hash, "kubernetes.io/config.hash": hash }),
    hash,
  );
  // Older kubelets wrote "mirror" into config.mirror: the hash is still config.hash.
  assert.equal(
    cgroupUid({ "kubernetes.io/config.mirror": "mirror", "kubernetes.io/config.hash": hash }),
    hash,
  );
  assert.equal(cgroupUid({ "kubernetes.io/config.mirror": hash }), hash);
  // The kubelet's own view of a static pod (GET /pods): its uid is the hash already.
  assert.equal(
    cgroupUid({ "kubernetes.io/config.hash": "other", "kubernetes.io/config.source": "file" }),
    base.uid,
  );
  assert.equal(cgroupUid({}), base.uid);
});

Deno.test("podLabels: WCA's sanitising plus the QoS class", () => {
  assert.deepEqual(
    podLabels({ "app.kubernetes.io/part-of": "shop", "9x": "y", "a b": "c", n: 3 }, "guaranteed"),
    {
      app_kubernetes_io__part_of: "shop",
      _9x: "y",
      a_b: "c",
      [QOS_LABEL]: "guaranteed",
    },
  );
});

Deno.test("podResources: requests and limits summed over containers, in cores and bytes", () => {
  const { resources, bad } = podResources(
    pod({
      ...base,
      containers: [{ name: "a", id: `docker://${ID}` }, { name: "b", id: `docker://${ID}` }, {
        name: "c",
        id: `docker://${ID}`,
      }],
      resources: [
        {
          requests: { cpu: "100m", memory: "128Mi", "ephemeral-storage": "1Gi" },
          limits: { cpu: "1", memory: "256Mi" },
        },
        {
          requests: { cpu: "200m", memory: "1e8", "hugepages-2Mi": "4Mi" },
          limits: { cpu: "0.5", memory: "1G" },
        },
        { requests: { cpu: "lots" } },
      ],
    }).spec as Record<string, unknown>,
  );
  assert.deepEqual(resources, {
    requests_cpu: 0.3,
    requests_memory: 128 * 2 ** 20 + 1e8,
    "requests_ephemeral-storage": 2 ** 30,
    "requests_hugepages-2Mi": 4 * 2 ** 20,
    limits_cpu: 1.5,
    limits_memory: 256 * 2 ** 20 + 1e9,
    cpus: 0.3,
    mem: 128 * 2 ** 20 + 1e8,
    disk: 2 ** 30,
  });
  assert.deepEqual(bad, ['requests.cpu="lots"']);
  assert.deepEqual(
    podResources({ containers: [{ name: "x" }] }).resources,
    {},
    "BestEffort: nothing requested",
  );
});
