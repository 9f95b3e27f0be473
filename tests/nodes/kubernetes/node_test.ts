/**
 * KubernetesNode against real local HTTPS servers (certificates made by openssl in the test) answering
 * with PodLists, and the kubelet layouts of tests/fixtures/hosts/kubelet_*: every QoS class, both
 * drivers, the three runtimes, cgroup v1 and v2; kubelet and API-server modes.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { SSL } from "../../../src/components/ssl.ts";
import { KubernetesNode } from "../../../src/nodes/kubernetes/node.ts";
import { hostPathsUnder } from "../../../src/platform/host_paths.ts";
import { pod, podList, type Qos } from "../../helpers/k8s_docs.ts";
import { type JsonServer, startJsonServer } from "../../helpers/json_server.ts";
import { captureLogLines } from "../../helpers/log_capture.ts";
import { makeTestPki, type TestPki } from "../../helpers/tls.ts";
import { assertNodeContract } from "../contract.ts";

const HOSTS = fileURLToPath(new URL("../../fixtures/hosts/", import.meta.url));

/** The pods of the kubelet_* fixtures (see their README): a = QoS, b = runtime. */
const QOS: ReadonlyArray<[Qos, number]> = [["Guaranteed", 1], ["Burstable", 2], ["BestEffort", 3]];
const RUNTIMES: ReadonlyArray<[string, number]> = [["docker", 1], ["containerd", 2], ["cri-o", 3]];
const uid = (a: number, b: number) => `${a}${b}`.repeat(4) + `-0000-4000-8000-0000000000${a}${b}`;
const cid = (a: number, b: number, second = false) => `${a}${b}${second ? "e" : "c"}`.repeat(21) + `${a}`;
const STATIC_HASH = "6a3b1c2d4e5f60718293a4b5c6d7e8f9";

function fixturePods(withStatic: boolean): Record<string, unknown>[] {
  const pods: Record<string, unknown>[] = [];
  for (const [qos, a] of QOS) {
    for (const [runtime, b] of RUNTIMES) {
      const two = qos === "Burstable" && runtime === "containerd";
      pods.push(pod({
        uid: uid(a, b),
        name: `${qos.toLowerCase()}-${runtime}`,
        qos,
        containers: [
          { name: "app", id: `${runtime}://${cid(a, b)}` },
          ...(two ? [{ name: "sidecar", id: `${runtime}://${cid(a, b, true)}` }] : []),
        ],
      }));
    }
  }
  if (withStatic) {
    pods.push(pod({
      uid: "99999999-0000-4000-8000-000000000099",
      name: "etcd-node-1",
      qos: "Burstable",
      annotations: { "kubernetes.io/config.mirror": STATIC_HASH },
      containers: [{ name: "etcd", id: `docker://${"5".repeat(64)}` }],
    }));
  }
  return pods;
}

interface Fixture {
  pki: TestPki;
  server: JsonServer;
  tokenPath: string;
  ssl: SSL;
}

async function withServer(body: unknown, run: (f: Fixture) => Promise<void>, requireClientCert = true) {
  const pki = await makeTestPki();
  const server = await startJsonServer({ kind: "json", body }, { pki, requireClientCert });
  const tokenPath = `${pki.dir}/token`;
  Deno.writeTextFileSync(tokenPath, "s3cr3t-t0ken-value\n", { mode: 0o600 });
  Deno.chmodSync(tokenPath, 0o600);
  const ssl = new SSL({
    server_verify: pki.caPath,
    client_cert_path: pki.clientCertPath,
    client_key_path: pki.clientKeyPath,
  });
  try {
    await run({ pki, server, tokenPath, ssl });
  } finally {
    await server.close();
    await pki.remove();
  }
}

function kubeletNode(f: Fixture, scenario: string, extra: Record<string, unknown> = {}): KubernetesNode {
  return new KubernetesNode(
    KubernetesNode.schema.parse({
      kubelet_enabled: true,
      kubelet_endpoint: f.server.url,
      ssl: f.ssl,
      ...extra,
    }),
    { hostPaths: hostPathsUnder(`${HOSTS}${scenario}`) },
  );
}

const SCENARIOS: ReadonlyArray<[string, "cgroupfs" | "systemd", string, string]> = [
  [
    "kubelet_v1_cgroupfs",
    "cgroupfs",
    `/kubepods/burstable/pod${uid(2, 2)}`,
    `/kubepods/besteffort/pod${uid(3, 3)}/crio-${cid(3, 3)}`,
  ],
  [
    "kubelet_v1_systemd",
    "systemd",
    `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid(2, 2).replaceAll("-", "_")}.slice`,
    `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${
      uid(3, 3).replaceAll("-", "_")
    }.slice/crio-${cid(3, 3)}.scope`,
  ],
  [
    "kubelet_v2_systemd",
    "systemd",
    `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid(2, 2).replaceAll("-", "_")}.slice`,
    `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${
      uid(3, 3).replaceAll("-", "_")
    }.slice/crio-${cid(3, 3)}.scope`,
  ],
];

for (const [scenario, driver, burstableContainerd, besteffortCrio] of SCENARIOS) {
  Deno.test(`KubernetesNode (kubelet, ${scenario}): every QoS class and runtime found, containers as sub-cgroups`, async () => {
    const withStatic = driver === "cgroupfs";
    await withServer(podList(fixturePods(withStatic)), async (f) => {
      const node = kubeletNode(f, scenario, { cgroup_driver: driver });
      try {
        const tasks = await node.getTasks();
        assert.equal(tasks.length, withStatic ? 10 : 9, tasks.map((t) => t.name).join(", "));
        const byName = new Map(tasks.map((t) => [t.name, t]));
        const two = byName.get("default/burstable-containerd")!;
        assert.equal(two.cgroup_path, burstableContainerd);
        assert.equal(two.subcgroups_paths.length, 2, "two containers; the sandbox is not one");
        assert.equal(byName.get("default/besteffort-cri-o")!.subcgroups_paths[0], besteffortCrio);
        for (const task of tasks) {
          assert.ok(task.subcgroups_paths.every((p) => p.startsWith(`${task.cgroup_path}/`)), task.name);
          const qos = task.name === "default/etcd-node-1"
            ? "burstable"
            : task.name.split("/")[1]!.split("-")[0];
          assert.equal(task.labels.app_kubernetes_io__qos_class, qos);
        }
        if (withStatic) {
          assert.equal(
            byName.get("default/etcd-node-1")!.cgroup_path,
            `/kubepods/burstable/pod${STATIC_HASH}`,
          );
        }
        assert.equal(f.server.requests[0]?.url, "/pods");
        assert.equal(
          f.server.requests[0]?.clientCertificate,
          "wca-agent",
          "the kubelet saw our client certificate",
        );
      } finally {
        node.close();
      }
    });
  });
}

Deno.test("KubernetesNode keeps the Node contract", async () => {
  await withServer(podList(fixturePods(false)), async (f) => {
    const node = kubeletNode(f, "kubelet_v2_systemd", { cgroup_driver: "systemd" });
    try {
      await assertNodeContract(node, 9);
    } finally {
      node.close();
    }
  });
});

Deno.test("KubernetesNode (API server): bearer token, CA, namespaces and node filters, labels and resources", async () => {
  const pods = [
    pod({
      uid: uid(2, 2),
      name: "web",
      qos: "Burstable",
      labels: { "app.kubernetes.io/name": "web" },
      containers: [{ name: "app", id: `containerd://${cid(2, 2)}` }, {
        name: "sidecar",
        id: `containerd://${cid(2, 2, true)}`,
      }],
      resources: [{ requests: { cpu: "250m", memory: "64Mi" }, limits: { cpu: "1", memory: "128Mi" } }, {
        requests: { cpu: "250m", memory: "64Mi" },
      }],
    }),
    // Pods of other nodes whose cgroups do exist here: only the node filters can leave them out.
    pod({
      uid: uid(1, 2),
      name: "elsewhere",
      qos: "Guaranteed",
      hostIP: "10.0.0.2",
      containers: [{ name: "app", id: `containerd://${cid(1, 2)}` }],
    }),
    pod({
      uid: uid(1, 1),
      name: "other-node",
      qos: "Guaranteed",
      nodeName: "node-2",
      containers: [{ name: "app", id: `docker://${cid(1, 1)}` }],
    }),
  ];
  await withServer(podList(pods), async (f) => {
    const node = new KubernetesNode(
      KubernetesNode.schema.parse({
        kubeapi_host: "127.0.0.1",
        kubeapi_port: String(f.server.port),
        client_token_path: f.tokenPath,
        server_cert_ca_path: f.pki.caPath,
        node_ip: "10.0.0.1",
        node_name: "node-1",
        monitored_namespaces: ["default", "shop"],
        cgroup_driver: "systemd",
      }),
      { hostPaths: hostPathsUnder(`${HOSTS}kubelet_v2_systemd`) },
    );
    try {
      const { result: tasks, lines } = await captureLogLines(() => node.getTasks());
      assert.deepEqual(f.server.requests.map((r) => r.url), [
        "/api/v1/namespaces/default/pods?fieldSelector=spec.nodeName%3Dnode-1",
        "/api/v1/namespaces/shop/pods?fieldSelector=spec.nodeName%3Dnode-1",
      ]);
      assert.ok(f.server.requests.every((r) => r.authorization === "Bearer s3cr3t-t0ken-value"));
      // Both namespaces answered the same list: a pod listed twice is still one task.
      assert.deepEqual(tasks.map((t) => t.name), ["default/web"]);
      const web = tasks.find((t) => t.name === "default/web")!;
      assert.deepEqual(web.labels, {
        app_kubernetes_io__name: "web",
        app_kubernetes_io__qos_class: "burstable",
      });
      assert.deepEqual(web.resources, {
        requests_cpu: 0.5,
        requests_memory: 128 * 2 ** 20,
        limits_cpu: 1,
        limits_memory: 128 * 2 ** 20,
        cpus: 0.5,
        mem: 128 * 2 ** 20,
      });
      // (The server ignores the fieldSelector, as a proxy or an old API server might: we filter again.)
      assert.ok(!lines.join("\n").includes("s3cr3t"), "the token is never logged");
    } finally {
      node.close();
    }
  }, false);
});

Deno.test("KubernetesNode (API server): monitored_namespaces [] asks for all namespaces", async () => {
  await withServer(podList([]), async (f) => {
    const node = new KubernetesNode(
      KubernetesNode.schema.parse({
        kubeapi_host: "localhost",
        kubeapi_port: f.server.port,
        client_token_path: f.tokenPath,
        server_cert_ca_path: f.pki.caPath,
        node_name: "node-1",
        monitored_namespaces: [],
      }),
      { hostPaths: hostPathsUnder(`${HOSTS}kubelet_v1_cgroupfs`) },
    );
    try {
      assert.deepEqual(await node.getTasks(), []);
      assert.deepEqual(f.server.requests.map((r) => r.url), [
        "/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-1",
      ]);
    } finally {
      node.close();
    }
  }, false);
});

Deno.test("KubernetesNode (API server): an IPv6 service host and port as strings (!Env), node_ip an IPv6 hostIP", async () => {
  const pki = await makeTestPki();
  const pods = [
    pod({
      uid: uid(2, 2),
      name: "web",
      qos: "Burstable",
      hostIP: "fd00::11",
      containers: [{ name: "app", id: `containerd://${cid(2, 2)}` }, {
        name: "sidecar",
        id: `containerd://${cid(2, 2, true)}`,
      }],
    }),
    pod({
      uid: uid(1, 2),
      name: "elsewhere",
      qos: "Guaranteed",
      hostIP: "fd00::12",
      containers: [{ name: "app", id: `containerd://${cid(1, 2)}` }],
    }),
  ];
  const server = await startJsonServer({ kind: "json", body: podList(pods) }, { pki, host: "::1" });
  const token = `${pki.dir}/token`;
  Deno.writeTextFileSync(token, "t0ken\n", { mode: 0o600 });
  Deno.chmodSync(token, 0o600);
  const node = new KubernetesNode(
    KubernetesNode.schema.parse({
      // As KUBERNETES_SERVICE_HOST / _PORT arrive through !Env: strings, the address unbracketed.
      kubeapi_host: "::1",
      kubeapi_port: String(server.port),
      node_ip: "fd00::11",
      client_token_path: token,
      server_cert_ca_path: pki.caPath,
      cgroup_driver: "systemd",
    }),
    { hostPaths: hostPathsUnder(`${HOSTS}kubelet_v2_systemd`) },
  );
  try {
    // The certificate names ::1: verification by IP address works through the brackets.
    assert.deepEqual((await node.getTasks()).map((t) => t.name), ["default/web"]);
    assert.deepEqual(server.requests.map((r) => [r.url, r.authorization]), [
      ["/api/v1/namespaces/default/pods", "Bearer t0ken"],
    ]);
  } finally {
    node.close();
    await server.close();
    await pki.remove();
  }
});

Deno.test("KubernetesNode refuses at load what cannot work, naming the field", async () => {
  const pki = await makeTestPki();
  try {
    const token = `${pki.dir}/token`;
    Deno.writeTextFileSync(token, "t\n", { mode: 0o600 });
    Deno.chmodSync(token, 0o600);
    const make = (p: Record<string, unknown>) => () =>
      new KubernetesNode(KubernetesNode.schema.parse(p), {
        hostPaths: hostPathsUnder(`${HOSTS}kubelet_v1_cgroupfs`),
      });
    const api = {
      kubeapi_host: "10.96.0.1",
      kubeapi_port: "443",
      node_name: "n",
      server_cert_ca_path: pki.caPath,
    };
    assert.throws(
      make({ ...api, client_token_path: `${pki.dir}/nope` }),
      /client_token_path .*nope cannot be read: it does not exist/,
    );
    Deno.writeTextFileSync(`${pki.dir}/empty`, "\n");
    assert.throws(make({ ...api, client_token_path: `${pki.dir}/empty` }), /is empty/);
    assert.throws(
      make({ ...api, client_token_path: token, kubeapi_host: undefined }),
      /needs kubeapi_host and kubeapi_port/,
    );
    assert.throws(
      make({ ...api, client_token_path: token, kubeapi_port: "https" }),
      /kubeapi_port "https" is not a port/,
    );
    assert.throws(
      make({ ...api, client_token_path: token, node_name: undefined }),
      /needs node_name or node_ip/,
    );
    assert.throws(
      make({ ...api, client_token_path: token, server_cert_ca_path: `${pki.dir}/no-ca` }),
      /^Error: server_cert_ca_path .*no-ca cannot be read: it does not exist \(outside a pod, set server_cert_ca_path or ssl\)$/,
    );
    // An IPv6 service host (KUBERNETES_SERVICE_HOST=fd00::1) is bracketed, not refused.
    make({ ...api, client_token_path: token, kubeapi_host: "fd00::1" })().close();
  } finally {
    await pki.remove();
  }
});

Deno.test("KubernetesNode: a token others can read is warned about once at load, not refused", async () => {
  const pki = await makeTestPki();
  try {
    const token = `${pki.dir}/token`;
    Deno.writeTextFileSync(token, "s3cr3t\n");
    Deno.chmodSync(token, 0o644);
    const { lines } = await captureLogLines(() =>
      Promise.resolve(
        new KubernetesNode(
          KubernetesNode.schema.parse({
            kubeapi_host: "127.0.0.1",
            kubeapi_port: "6443",
            node_ip: "10.0.0.1",
            client_token_path: token,
            server_cert_ca_path: pki.caPath,
          }),
          { hostPaths: hostPathsUnder(`${HOSTS}kubelet_v1_cgroupfs`) },
        ).close(),
      )
    );
    const warnings = lines.filter((l) => l.includes("WARNING"));
    assert.equal(warnings.length, 1, lines.join("\n"));
    assert.match(warnings[0]!, /readable by group or others \(mode 644\)/);
    assert.ok(!lines.join("\n").includes("s3cr3t"));
  } finally {
    await pki.remove();
  }
});
