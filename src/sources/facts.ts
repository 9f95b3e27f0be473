/** What stays the same from one iteration to the next: read once when the runner starts. */
import type { CgroupLayout } from "../platform/cgroup/mod.ts";
import type { Topology } from "../platform/topology.ts";
import type { PlatformOptions } from "./platform.ts";

export interface HostFacts {
  readonly topology: Topology;
  readonly layout: CgroupLayout;
  readonly pageSize: number;
  readonly platform: PlatformOptions;
}
