export { CgroupNode } from "./cgroup_node.ts";
export { CgroupTree, joinCgroupPath, sanitizeLabelName } from "./cgroup_tree.ts";
export { labelsOf, StaticNode } from "./static_node.ts";
export type { Node, Task } from "../components/interfaces.ts";
export { KubernetesNode } from "./kubernetes/mod.ts";
export { MesosNode } from "./mesos/mod.ts";
export { isReported, TasksUnavailableError } from "./outage.ts";
