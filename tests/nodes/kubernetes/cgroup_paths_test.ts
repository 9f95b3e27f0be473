/**
 * Pod and container cgroup paths for every QoS class, both drivers and the three runtimes. The expected
 * paths are written out as the kubelet and the runtimes document them, not computed.
 */
import assert from "node:assert/strict";
import {
  containerCgroupPath,
  parseContainerId,
  podCgroupPath,
  type QosClass,
  rootComponents,
  type Runtime,
} from "../../../src/nodes/kubernetes/cgroup_paths.ts";

const UID = "0f5c7e1a-2b3c-4d5e-8f90-123456789abc";
const ID = "4f3e2d1c0b9a88776655443322110000ffeeddccbbaa99887766554433221100";

Deno.test("parseContainerId: docker://, containerd://, cri-o://; others refused", () => {
  assert.deepEqual(parseContainerId(`docker://${ID}`), { runtime: "docker", id: ID });
  assert.deepEqual(parseContainerId(`containerd://${ID}`), { runtime: "containerd", id: ID });
  assert.deepEqual(parseContainerId(`cri-o://${ID}`), { runtime: "cri-o", id: ID });
  for (
    const bad of [
      ID,
      `rkt://${ID}`,
      "docker://",
      "docker://../../etc",
      `docker://${ID}/x`,
      "containerd://a b",
    ]
  ) {
    assert.equal(parseContainerId(bad), undefined, bad);
  }
});

Deno.test("pod and container cgroup paths: cgroupfs driver", () => {
  const cases: Array<[QosClass, Runtime, string, string]> = [
    ["guaranteed", "docker", `/kubepods/pod${UID}`, `/kubepods/pod${UID}/${ID}`],
    ["burstable", "containerd", `/kubepods/burstable/pod${UID}`, `/kubepods/burstable/pod${UID}/${ID}`],
    ["besteffort", "cri-o", `/kubepods/besteffort/pod${UID}`, `/kubepods/besteffort/pod${UID}/crio-${ID}`],
    ["guaranteed", "cri-o", `/kubepods/pod${UID}`, `/kubepods/pod${UID}/crio-${ID}`],
  ];
  for (const [qos, runtime, pod, container] of cases) {
    const place = { driver: "cgroupfs", root: "/", qos, uid: UID } as const;
    assert.equal(podCgroupPath(place), pod);
    assert.equal(containerCgroupPath(place, { runtime, id: ID }), container);
  }
});

Deno.test("pod and container cgroup paths: systemd driver (slices, uid dashes escaped, scopes per runtime)", () => {
  const u = UID.replaceAll("-", "_");
  const cases: Array<[QosClass, Runtime, string, string]> = [
    ["guaranteed", "docker", `/kubepods.slice/kubepods-pod${u}.slice`, `docker-${ID}.scope`],
    [
      "burstable",
      "containerd",
      `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${u}.slice`,
      `cri-containerd-${ID}.scope`,
    ],
    [
      "besteffort",
      "cri-o",
      `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${u}.slice`,
      `crio-${ID}.scope`,
    ],
  ];
  for (const [qos, runtime, pod, scope] of cases) {
    const place = { driver: "systemd", root: "/", qos, uid: UID } as const;
    assert.equal(podCgroupPath(place), pod);
    assert.equal(containerCgroupPath(place, { runtime, id: ID }), `${pod}/${scope}`);
  }
});

Deno.test("the kubelet's --cgroup-root prefixes the hierarchy (cgroupfs: a path; systemd: a slice)", () => {
  assert.equal(
    podCgroupPath({ driver: "cgroupfs", root: "/wca-test/k8s", qos: "burstable", uid: UID }),
    `/wca-test/k8s/kubepods/burstable/pod${UID}`,
  );
  assert.deepEqual(rootComponents("systemd", "/custom.slice/custom-k8s.slice"), ["custom", "k8s"]);
  assert.equal(
    podCgroupPath({ driver: "systemd", root: "/custom.slice", qos: "guaranteed", uid: "abc" }),
    "/custom.slice/custom-kubepods.slice/custom-kubepods-podabc.slice",
  );
  assert.deepEqual(rootComponents("systemd", "/"), []);
  assert.deepEqual(rootComponents("cgroupfs", "/"), []);
});
