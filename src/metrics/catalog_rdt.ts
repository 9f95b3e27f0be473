/** Catalog entries of Intel RDT (resctrl) monitoring. */
import { type Catalog, entry } from "./catalog_entry.ts";

const MON_DATA = "resctrl: mon_groups/wca-…/mon_data/mon_L3_*/";

export const RDT_CATALOG: Catalog = Object.freeze({
  task_llc_occupancy_bytes: entry(
    "gauge",
    "bytes",
    `${MON_DATA}llc_occupancy (summed over L3 domains)`,
    "Last-level cache the task's threads occupy now (Intel CMT / AMD QoS), over every L3 domain.",
  ),
  task_mem_bandwidth_bytes: entry(
    "counter",
    "bytes",
    `${MON_DATA}mbm_total_bytes (summed over L3 domains)`,
    "Bytes the task's threads moved to and from memory, local and remote NUMA nodes together (MBM).",
  ),
  task_mem_bandwidth_local_bytes: entry(
    "counter",
    "bytes",
    `${MON_DATA}mbm_local_bytes (summed over L3 domains)`,
    "Bytes the task's threads moved to and from memory of their local NUMA node (MBM).",
  ),
  task_mem_bandwidth_remote_bytes: entry(
    "counter",
    "bytes",
    `${MON_DATA}mbm_total_bytes - mbm_local_bytes`,
    "Bytes the task's threads moved to and from memory of other NUMA nodes: total minus local (MBM).",
  ),
});
