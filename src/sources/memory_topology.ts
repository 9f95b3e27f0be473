/**
 * The memory-topology source behind WCA's `gather_hw_mm_topology`: the memory modules from the kernel's
 * copy of the SMBIOS tables (type 17 entries under /sys/firmware/dmi/entries), where WCA ran dmidecode,
 * lshw and ipmctl. Read once at start (modules do not change while the host runs) and printed every
 * iteration. A value the tables do not give is left out with one debug line, never guessed.
 */
import type { ComponentContext } from "../components/component.ts";
import { boolean } from "../config/schema.ts";
import { getLogger } from "../logging/mod.ts";
import type { Labels, Metric } from "../metrics/metric.ts";
import { isPersistent, type MemoryDevice, readMemoryDevices } from "../platform/sysfs/mod.ts";
import type { MeasurementSource, MeasurementSourceFactory } from "./contract.ts";

const log = getLogger("wca.memory_topology");

/** The fragment of MeasurementRunner's parameters this source owns. */
export const memoryTopologyParams = {
  gather_hw_mm_topology: boolean().default(false).describe(
    "Memory modules from the SMBIOS tables (sysfs firmware/dmi/entries, type 17): platform_dimm_count, " +
      "platform_dimm_total_size_bytes, platform_dimm_speed_bytes_per_second, platform_mem_mode_size_bytes, " +
      "platform_capacity_per_nvdimm_bytes.",
  ),
};

export interface MemoryTopologyParams {
  readonly gather_hw_mm_topology: boolean;
}

/** WCA's dimm_type label values. */
export const RAM = "ram";
export const PERSISTENT_MEMORY = "persistent_memory";

/**
 * The metrics of the installed modules (empty slots left out). `skip` is told, once per metric, why a
 * metric cannot be given. Pure.
 */
export function memoryTopologyMetrics(
  devices: readonly MemoryDevice[],
  labels: Labels,
  skip: (message: string) => void,
): Metric[] {
  const out: Metric[] = [];
  const unknownSize = devices.filter((d) => d.sizeBytes === undefined).length;
  const installed = devices.filter((d) => d.sizeBytes !== undefined && d.sizeBytes > 0);
  const byType = new Map<string, MemoryDevice[]>([[RAM, []], [PERSISTENT_MEMORY, []]]);
  for (const device of installed) byType.get(isPersistent(device) ? PERSISTENT_MEMORY : RAM)!.push(device);
  for (const [dimm_type, modules] of byType) {
    const typed = { ...labels, dimm_type };
    out.push({ name: "platform_dimm_count", value: modules.length, labels: typed });
    if (unknownSize > 0) continue;
    const total = modules.reduce((sum, d) => sum + d.sizeBytes!, 0);
    out.push({ name: "platform_dimm_total_size_bytes", value: total, labels: typed });
  }
  if (unknownSize > 0) {
    skip(`${unknownSize} memory device(s) of unknown size: platform_dimm_total_size_bytes is left out`);
  }
  const ram = byType.get(RAM)!;
  const unknownSpeed = ram.filter((d) => d.speedMts === undefined || d.dataWidthBits === undefined);
  if (ram.length > 0 && unknownSpeed.length === 0) {
    // Transfers per second × bytes per transfer, summed: the modules' peak bandwidth.
    const bytesPerSecond = ram.reduce((sum, d) => sum + d.speedMts! * 1e6 * d.dataWidthBits! / 8, 0);
    out.push({ name: "platform_dimm_speed_bytes_per_second", value: bytesPerSecond, labels });
  } else if (ram.length > 0) {
    skip(
      `${unknownSpeed.length} RAM module(s) without a known speed or data width: platform_dimm_speed_bytes_per_second is left out`,
    );
  }
  const persistent = byType.get(PERSISTENT_MEMORY)!;
  if (persistent.every((d) => d.volatileBytes !== undefined)) {
    const memoryMode = persistent.reduce((sum, d) => sum + d.volatileBytes!, 0);
    out.push({ name: "platform_mem_mode_size_bytes", value: memoryMode, labels });
  } else {
    skip(
      "persistent memory modules without a volatile size (SMBIOS before 3.2): platform_mem_mode_size_bytes is left out",
    );
  }
  const capacities = new Set(persistent.map((d) => d.sizeBytes));
  if (capacities.size === 1) {
    out.push({ name: "platform_capacity_per_nvdimm_bytes", value: [...capacities][0]!, labels });
  } else if (capacities.size > 1) {
    skip("persistent memory modules of different sizes: platform_capacity_per_nvdimm_bytes is left out");
  }
  return out;
}

export class MemoryTopologySource implements MeasurementSource {
  readonly name = "memory_topology";
  readonly #devices: readonly MemoryDevice[];
  #metrics: Metric[] | undefined;
  #labels: Labels | undefined;

  constructor(devices: readonly MemoryDevice[]) {
    this.#devices = devices;
  }

  sync(): void {}

  taskMetrics(): Metric[] {
    return [];
  }

  platformMetrics(labels: Labels): Metric[] {
    // The runner passes the same frozen labels every iteration: the metrics are built once.
    if (this.#metrics === undefined || this.#labels !== labels) {
      const skipped = new Set<string>();
      this.#metrics = memoryTopologyMetrics(this.#devices, labels, (message) => skipped.add(message));
      if (this.#labels === undefined) {
        for (const message of skipped) log.debug(`memory topology: ${message}`);
      }
      this.#labels = labels;
    }
    return this.#metrics;
  }

  close(): void {}
}

/** Starts the source when gather_hw_mm_topology is true and the kernel shows SMBIOS memory devices. */
export const memoryTopologySourceFactory: MeasurementSourceFactory<MemoryTopologyParams> = (
  params: MemoryTopologyParams,
  context: ComponentContext,
) => {
  if (!params.gather_hw_mm_topology) return undefined;
  const devices = readMemoryDevices(context.hostPaths);
  if (devices === undefined || devices.length === 0) {
    log.info(
      `memory topology: ${context.hostPaths.sys}/firmware/dmi/entries has no memory devices (type 17) on ` +
        "this host (no SMBIOS tables, or a kernel without CONFIG_DMI_SYSFS); platform_dimm_* metrics are left out",
    );
    return undefined;
  }
  log.info(`memory topology: ${devices.length} memory device(s) in the SMBIOS tables`);
  return new MemoryTopologySource(devices);
};
