/**
 * Builds the typed snapshot from what the sources measured: measurements by metric name (folded from the
 * samples the sources produce, so a new source's metrics reach detectors and allocators without code
 * here) and the platform picture from the host facts. Pure.
 */
import type {
  Measurement,
  Measurements,
  NumaNode,
  Platform,
  RdtInformation,
} from "../components/snapshot.ts";
import type { Labels, Metric } from "../metrics/metric.ts";
import type { ResctrlInfo } from "../platform/resctrl/mod.ts";
import type { NodeTopology } from "../platform/sysfs/mod.ts";
import type { Topology } from "../platform/topology.ts";
import type { PlatformSample } from "./platform.ts";

/**
 * Samples → measurements by name. A sample whose labels are exactly `base` gives a number; one with more
 * labels (task_mem_numa_pages{numa_node}, platform_cpu_usage{cpu}, platform_zoneinfo{numa_node,zone,key})
 * gives a map keyed by the values of the extra labels, joined with "/" in the order the sample lists them.
 */
export function foldMeasurements(samples: readonly Metric[], base: Labels): Measurements {
  return foldNow(samples, base);
}

/**
 * A getter for `measurements` that folds on first use: a MeasurementRunner alone never reads them, so
 * the per-task fold costs nothing on its iterations; a detector or allocator pays it once.
 */
export function lazyMeasurements(samples: readonly Metric[], base: Labels): () => Measurements {
  let folded: Measurements | undefined;
  return () => folded ??= foldNow(samples, base);
}

function foldNow(samples: readonly Metric[], base: Labels): Measurements {
  const out = new Map<string, Measurement>();
  for (const sample of samples) {
    const extra: string[] = [];
    for (const [name, value] of Object.entries(sample.labels)) {
      if (base[name] !== value) extra.push(value);
    }
    if (extra.length === 0) {
      out.set(sample.name, sample.value);
      continue;
    }
    let byLabel = out.get(sample.name);
    if (typeof byLabel !== "object") out.set(sample.name, byLabel = new Map<string, number>());
    (byLabel as Map<string, number>).set(extra.join("/"), sample.value);
  }
  return out;
}

/** What a detector or allocator needs of resctrl; undefined when it is not mounted. */
export function rdtInformation(info: ResctrlInfo | undefined): RdtInformation | undefined {
  if (info === undefined) return undefined;
  const cache = info.l3 ?? info.l3data;
  return Object.freeze({
    cacheAllocation: cache !== undefined,
    memoryBandwidthAllocation: info.mb !== undefined,
    monitoring: info.monitoring !== undefined,
    cbmMask: cache?.cbmMask.toString(16),
    minCbmBits: cache?.minCbmBits,
    numClosids: info.closids,
    mbBandwidthGran: info.mb?.bandwidthGran,
    mbMinBandwidth: info.mb?.minBandwidth,
  });
}

export interface PlatformInputs {
  readonly topology: Topology;
  readonly numaTopology: ReadonlyMap<number, NodeTopology>;
  readonly rdt: RdtInformation | undefined;
  readonly sample: PlatformSample;
  /** The platform_* samples of this iteration (readings and sources), labelled with `base`. */
  readonly samples: readonly Metric[];
  readonly base: Labels;
}

export function buildPlatform(inputs: PlatformInputs): Platform {
  const { topology, sample } = inputs;
  const numaNodes: NumaNode[] = [...inputs.numaTopology].map(([id, node]) =>
    Object.freeze({
      id,
      cpus: node.cpus,
      distances: node.distances,
      memFreeBytes: sample.nodeMeminfo?.get(id)?.memFreeBytes,
      memUsedBytes: sample.nodeMeminfo?.get(id)?.memUsedBytes,
    })
  );
  const swapTotal = sample.meminfo?.values["SwapTotal"];
  const measurements = lazyMeasurements(inputs.samples, inputs.base);
  return Object.freeze({
    sockets: topology.sockets,
    cores: topology.cores,
    cpus: topology.cpus,
    onlineCpus: topology.onlineCpus,
    topology: new Map(
      topology.cpuIds.map((ids) => [ids.cpu, Object.freeze({ socket: ids.socket, core: ids.core })]),
    ),
    cpuModel: topology.cpuModel,
    cpuModelNumber: topology.cpuModelNumber,
    numaNodes: Object.freeze(numaNodes),
    swapEnabled: swapTotal === undefined ? undefined : swapTotal > 0,
    rdt: inputs.rdt,
    get measurements() {
      return measurements();
    },
    timestamp: sample.timestamp,
  });
}
