/**
 * deploy/kubernetes/wca.yaml, parsed: the DaemonSet asks for exactly the privileges docs/security.md lists
 * (capabilities instead of privileged), mounts the host read-only, scrapes where the config listens, and
 * its ConfigMap's config loads (with the pod's files made for the test).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import denoJson from "../../deno.json" with { type: "json" };
import { IMAGES } from "../../.ci/images.ts";
import { BUILTIN_COMPONENTS } from "../../src/builtins.ts";
import { HEALTH_PATHS } from "../../src/storages/http_storage.ts";
import { Registry } from "../../src/components/mod.ts";
import { buildRunner, parseConfigText } from "../../src/config/mod.ts";
import type { MeasurementRunner } from "../../src/runners/measurement/runner.ts";
import { withClusterFiles } from "../helpers/cluster_files.ts";
import { refusedPort } from "../helpers/json_server.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
// deno-lint-ignore no-explicit-any
type Doc = any;

const docs: Doc[] = parseAllDocuments(Deno.readTextFileSync(`${ROOT}deploy/kubernetes/wca.yaml`)).map((d) => {
  assert.equal(d.errors.length, 0, String(d.errors));
  return d.toJS();
});
const find = (kind: string): Doc => {
  const found = docs.find((d) => d.kind === kind);
  assert.ok(found, `the manifest has a ${kind}`);
  return found;
};
const daemonSet = find("DaemonSet");
const pod = daemonSet.spec.template.spec;
const container = pod.containers[0];

/** The capabilities docs/security.md "Running as a non-root user" grants, without the CAP_ prefix. */
function readmeCapabilities(): string[] {
  const readme = Deno.readTextFileSync(`${ROOT}docs/security.md`);
  const start = readme.indexOf("## Running as a non-root user");
  assert.ok(start >= 0, "docs/security.md has its privilege list");
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  const line = /AmbientCapabilities=(.*)/.exec(section);
  assert.ok(line, "docs/security.md's unit names its capabilities");
  return line[1]!.trim().split(/\s+/).map((cap) => cap.replace(/^CAP_/, "")).sort();
}

/** The Kubernetes API's schema of each kind the manifest holds (the OpenAPI types, enums and required fields). */
const MODELS: Readonly<Record<string, { validate(doc: Doc): void }>> = {
  "v1/Namespace": { validate: (doc) => new Namespace(doc).validate() },
  "v1/ServiceAccount": { validate: (doc) => new ServiceAccount(doc).validate() },
  "v1/ConfigMap": { validate: (doc) => new ConfigMap(doc).validate() },
  "rbac.authorization.k8s.io/v1/ClusterRole": { validate: (doc) => new ClusterRole(doc).validate() },
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": {
    validate: (doc) => new ClusterRoleBinding(doc).validate(),
  },
  "apps/v1/DaemonSet": { validate: (doc) => new DaemonSet(doc).validate() },
};

function validate(doc: Doc): void {
  const model = MODELS[`${doc.apiVersion}/${doc.kind}`];
  assert.ok(model, `no schema for ${doc.apiVersion} ${doc.kind}`);
  model.validate(doc);
}

Deno.test("the manifest's documents match the Kubernetes API schema (types, enums, required fields)", () => {
  assert.deepEqual(docs.map((d) => d.kind), [
    "Namespace",
    "ServiceAccount",
    "ClusterRole",
    "ClusterRoleBinding",
    "ConfigMap",
    "DaemonSet",
  ]);
  for (const doc of docs) validate(doc);
  // The schema does refuse what the API server would: a wrong enum value, a wrong type, a missing field.
  const broken = (change: (d: Doc) => void) => {
    const copy = structuredClone(daemonSet);
    change(copy);
    return () => validate(copy);
  };
  assert.throws(broken((d) => d.spec.template.spec.containers[0].volumeMounts[1].mountPropagation = "Host"));
  assert.throws(broken((d) => d.spec.template.spec.hostPID = "true"));
  assert.throws(broken((d) => delete d.spec.selector));
  assert.throws(
    broken((d) => d.spec.template.spec.containers[0].securityContext.capabilities.add = "PERFMON"),
  );
});

Deno.test("DaemonSet: docs/security.md's capabilities instead of privileged, everything else dropped", () => {
  const security = container.securityContext;
  assert.notEqual(security.privileged, true);
  assert.equal(security.allowPrivilegeEscalation, false);
  assert.equal(security.readOnlyRootFilesystem, true);
  assert.deepEqual(security.capabilities.drop, ["ALL"]);
  assert.deepEqual([...security.capabilities.add].sort(), readmeCapabilities());
  assert.equal(pod.hostPID, true);
  assert.notEqual(pod.hostNetwork, true);
  // uid 0 with only those capabilities needs the agent's consent flag.
  assert.ok(container.args.includes("--root"));
});

Deno.test("DaemonSet: host paths mounted read-only; the token readable by the agent only", () => {
  const volumes = new Map(pod.volumes.map((v: Doc) => [v.name, v]));
  for (const mount of container.volumeMounts) {
    const volume: Doc = volumes.get(mount.name);
    assert.ok(volume, `volume ${mount.name} exists`);
    if (volume.hostPath) {
      assert.equal(mount.readOnly, true, `${volume.hostPath.path} is mounted read-only`);
      // Sub-mounts too (cgroup v1's per-controller hierarchies); the API refuses it with any propagation.
      assert.equal(
        mount.recursiveReadOnly,
        "IfPossible",
        `${volume.hostPath.path} read-only all the way down`,
      );
      assert.equal(mount.mountPropagation, undefined);
    }
  }
  const token = volumes.get("token") as Doc;
  assert.equal(token.projected.defaultMode, 0o400);
  assert.equal(pod.automountServiceAccountToken, false, "no second, 0644 copy of the token");
  const role = find("ClusterRole");
  assert.deepEqual(role.rules, [{ apiGroups: [""], resources: ["pods"], verbs: ["list"] }]);
});

Deno.test("DaemonSet: Prometheus scrapes the port and path the ConfigMap's storage serves, and the config loads", async () => {
  const annotations = daemonSet.spec.template.metadata.annotations;
  assert.equal(annotations["prometheus.io/scrape"], "true");
  const config: string = find("ConfigMap").data["wca.yaml"];
  const listen = /listen: (\S+)/.exec(config)![1]!;
  assert.equal(listen.split(":").at(-1), annotations["prometheus.io/port"]);
  assert.equal(String(container.ports[0].containerPort), annotations["prometheus.io/port"]);
  assert.equal(annotations["prometheus.io/path"], "/metrics");
  const configArg = container.args[container.args.indexOf("--config") + 1];
  const configMount = container.volumeMounts.find((m: Doc) => m.name === "config");
  assert.equal(configArg, `${configMount.mountPath}/wca.yaml`);
  // Load it for real, on a free loopback port instead of 0.0.0.0:9192.
  const local = config.replace(listen, `127.0.0.1:${refusedPort()}`);
  await withClusterFiles(local, async (text) => {
    const runner = buildRunner(parseConfigText("wca.yaml", text), {
      components: new Registry(BUILTIN_COMPONENTS),
      env: (name) =>
        ({ KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443", NODE_NAME: "node-1" })[name],
    }) as MeasurementRunner;
    await runner.close();
    // deno-lint-ignore no-explicit-any
    (runner.node as any).close();
  });
});

Deno.test("DaemonSet: the image `deno task images` builds, the host under /host where its entry point looks", () => {
  const agent = IMAGES.find((image) => image.name === "wca-agent")!;
  assert.equal(container.image, `${agent.name}:${denoJson.version}`);
  const dockerfile = Deno.readTextFileSync(`${ROOT}${agent.dockerfile}`);
  const entrypoint = JSON.parse(/^ENTRYPOINT (.*)$/m.exec(dockerfile)![1]!) as string[];
  const hostRoot = entrypoint[entrypoint.indexOf("--host-root") + 1];
  assert.equal(hostRoot, "/host");
  const mounts = new Map(container.volumeMounts.map((m: Doc) => [m.mountPath, m.name]));
  const volumes = new Map(pod.volumes.map((v: Doc) => [v.name, v]));
  for (const path of ["/proc", "/sys"]) {
    const name = mounts.get(`${hostRoot}${path}`);
    assert.ok(name, `the host's ${path} is mounted at ${hostRoot}${path}`);
    assert.equal((volumes.get(name) as Doc).hostPath.path, path);
  }
});

Deno.test("DaemonSet: probes on the health endpoint; requests and a memory limit from the measured figures", () => {
  for (const probe of [container.readinessProbe, container.livenessProbe]) {
    assert.ok(HEALTH_PATHS.includes(probe.httpGet.path), probe.httpGet.path);
    assert.equal(probe.httpGet.port, container.ports[0].name);
  }
  const { requests, limits } = container.resources;
  assert.equal(limits.cpu, undefined, "no CPU limit: throttling only stretches iterations");
  // docs/benchmarks.md: 159 MiB peak RSS at 1000 tasks must fit under the limit, 100 tasks' 92 MiB in the request.
  const mib = (text: string) => Number(/^(\d+)Mi$/.exec(text)![1]);
  assert.ok(mib(limits.memory) >= 159 && mib(requests.memory) >= 92, JSON.stringify(container.resources));
});
