/**
 * Where the kubelet puts a pod's cgroup and its runtime puts each container's, for both cgroup drivers
 * and the docker, containerd and CRI-O runtimes. Pure. The same path holds in every v1 hierarchy and in
 * cgroup2: only the driver and the runtime change the names.
 *
 * The kubelet names cgroups as a list of components (its --cgroup-root, "kubepods", the QoS class unless
 * Guaranteed, "pod<uid>"); the cgroupfs driver joins them with "/", the systemd driver turns each prefix
 * into a slice (pkg/kubelet/cm/cgroup_manager_linux.go):
 *
 *   cgroupfs  /kubepods/burstable/pod<uid>/<id>                      (CRI-O: crio-<id>)
 *   systemd   /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid_>.slice/cri-containerd-<id>.scope
 *   (Guaranteed pods sit right under kubepods: /kubepods/pod<uid>, /kubepods.slice/kubepods-pod<uid_>.slice)
 */

export const CGROUP_DRIVERS = ["cgroupfs", "systemd"] as const;
export type CgroupDriver = typeof CGROUP_DRIVERS[number];
export type QosClass = "guaranteed" | "burstable" | "besteffort";
export type Runtime = "docker" | "containerd" | "cri-o";

export interface ContainerRef {
  readonly runtime: Runtime;
  /** The runtime's container id (hex). */
  readonly id: string;
}

export interface PodPlace {
  readonly driver: CgroupDriver;
  /** The kubelet's --cgroup-root ("/" unless changed). */
  readonly root: string;
  readonly qos: QosClass;
  /** The pod uid the kubelet names the cgroup after. */
  readonly uid: string;
}

const RUNTIMES: Readonly<Record<string, Runtime>> = {
  docker: "docker",
  containerd: "containerd",
  "cri-o": "cri-o",
};

/** The prefix of a container's systemd scope, per runtime. */
const SCOPE_PREFIX: Readonly<Record<Runtime, string>> = {
  docker: "docker",
  containerd: "cri-containerd",
  "cri-o": "crio",
};

const CONTAINER_ID = /^[0-9a-zA-Z]{1,128}$/;
/** Pod uids are UUIDs; static pods use the config hash (hex). Nothing that could climb out of a path. */
const POD_UID = /^[0-9a-zA-Z][0-9a-zA-Z_-]{0,127}$/;

/** `containerd://4f…` → {runtime, id}; undefined for an unknown runtime or a malformed id. */
export function parseContainerId(text: string): ContainerRef | undefined {
  const at = text.indexOf("://");
  if (at < 0) return undefined;
  const runtime = RUNTIMES[text.slice(0, at)];
  const id = text.slice(at + 3);
  return runtime && CONTAINER_ID.test(id) ? { runtime, id } : undefined;
}

export function isPodUid(uid: string): boolean {
  return POD_UID.test(uid);
}

/** The components of the kubelet's cgroup root: cgroupfs "/a/b" → [a, b]; systemd "/a.slice/a-b.slice" → [a, b]. */
export function rootComponents(driver: CgroupDriver, root: string): string[] {
  const segments = root.split("/").filter(Boolean);
  if (driver === "cgroupfs") return segments;
  const last = segments.at(-1);
  if (last === undefined) return [];
  return last.replace(/\.slice$/, "").split("-").map((part) => part.replaceAll("_", "-"));
}

function systemdPath(components: readonly string[]): string {
  let prefix = "";
  let path = "";
  for (const component of components) {
    // systemd reserves "-" as the slice separator: the kubelet escapes it in names as "_".
    const escaped = component.replaceAll("-", "_");
    prefix = prefix ? `${prefix}-${escaped}` : escaped;
    path += `/${prefix}.slice`;
  }
  return path || "/";
}

/** The pod's cgroup path. */
export function podCgroupPath(place: PodPlace): string {
  const components = [
    ...rootComponents(place.driver, place.root),
    "kubepods",
    ...(place.qos === "guaranteed" ? [] : [place.qos]),
    `pod${place.uid}`,
  ];
  return place.driver === "systemd" ? systemdPath(components) : `/${components.join("/")}`;
}

/** A container's cgroup path: its runtime's name for it, under the pod's cgroup. */
export function containerCgroupPath(place: PodPlace, container: ContainerRef): string {
  const name = place.driver === "systemd"
    ? `${SCOPE_PREFIX[container.runtime]}-${container.id}.scope`
    : container.runtime === "cri-o"
    ? `crio-${container.id}`
    : container.id;
  return `${podCgroupPath(place)}/${name}`;
}

/** The other driver, for the hint when pods are found only under its paths. */
export function otherDriver(driver: CgroupDriver): CgroupDriver {
  return driver === "systemd" ? "cgroupfs" : "systemd";
}
