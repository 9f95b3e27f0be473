/** Catalog entries of the memory modules (gather_hw_mm_topology), from the SMBIOS type 17 entries. */
import { type Catalog, entry } from "./catalog_entry.ts";

const TYPE17 = "sysfs: firmware/dmi/entries/17-*/raw (SMBIOS type 17)";

export const MEMORY_TOPOLOGY_CATALOG: Catalog = Object.freeze({
  platform_dimm_count: entry(
    "gauge",
    "numeric",
    TYPE17,
    "Installed memory modules, labelled by dimm_type (ram, persistent_memory).",
  ),
  platform_dimm_total_size_bytes: entry(
    "gauge",
    "bytes",
    `${TYPE17}: Size, Extended Size`,
    "Total size of the installed memory modules, labelled by dimm_type (ram, persistent_memory).",
  ),
  platform_dimm_speed_bytes_per_second: entry(
    "gauge",
    "bytes_per_second",
    `${TYPE17}: configured speed × data width`,
    "Peak bandwidth of the RAM modules: the sum over modules of transfers per second times bytes per transfer.",
  ),
  platform_mem_mode_size_bytes: entry(
    "gauge",
    "bytes",
    `${TYPE17}: Volatile Size of persistent modules`,
    "Persistent memory (Intel Optane) configured in Memory Mode, i.e. used as volatile RAM.",
  ),
  platform_capacity_per_nvdimm_bytes: entry(
    "gauge",
    "bytes",
    `${TYPE17}: Size of persistent modules`,
    "Size of one persistent memory module (printed when all are the same size, as WCA assumed).",
  ),
});
