/** sysfs readers: readX(paths, …) reads, parseX(text) is pure. Node and CPU ids are passed in, never globbed. */
export { parseOnlineCpus, readOnlineCpus } from "./cpu_online.ts";
export { type CpuTopologyIds, parseTopologyId, readCpuTopology } from "./cpu_topology.ts";
export { type NodeMeminfo, parseNodeMeminfo, readNodeMeminfo } from "./node_meminfo.ts";
export { parseOnlineNodes, readOnlineNodes } from "./node_online.ts";
export { parseNodeVmstat, readNodeVmstat } from "./node_vmstat.ts";
export { type NodeTopology, parseNodeDistances, readNodeTopology } from "./node_topology.ts";
export {
  isPersistent,
  type MemoryDevice,
  parseSmbiosMemoryDevice,
  readMemoryDevices,
} from "./smbios_memory.ts";
