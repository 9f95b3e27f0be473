export { KubernetesNode, type KubernetesNodeParams } from "./node.ts";
export {
  type CgroupDriver,
  containerCgroupPath,
  parseContainerId,
  podCgroupPath,
  type QosClass,
  type Runtime,
} from "./cgroup_paths.ts";
export { parseQuantity } from "./quantity.ts";
