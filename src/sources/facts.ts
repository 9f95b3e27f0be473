/** What stays the same from one iteration to the next: read once when the runner starts. */
import type { RdtInformation } from "../components/snapshot.ts";
import type { CgroupLayout } from "../platform/cgroup/mod.ts";
import type { NodeTopology } from "../platform/sysfs/mod.ts";
import type { Topology } from "../platform/topology.ts";
import type { PlatformOptions } from "./platform.ts";

export interface HostFacts {
  readonly topology: Topology;
  readonly layout: CgroupLayout;
  readonly pageSize: number;
  readonly platform: PlatformOptions;
  /** CPUs and distances of each online NUMA node (absent in facts built by hand for tests). */
  readonly numaTopology?: ReadonlyMap<number, NodeTopology>;
  /** resctrl's capabilities, when it is mounted. */
  readonly rdt?: RdtInformation;
}
