/**
 * The MeasurementRunner's uncore factory: nothing unless uncore_event_names lists events (and
 * enable_perf_uncore is not false); otherwise parse the events, discover their PMU families under
 * sysfs devices/, plan the groups and open them, turning every refusal into a StartupError.
 */
import { getLogger } from "../../logging/mod.ts";
import type { HostPaths } from "../../platform/host_paths.ts";
import type { Topology } from "../../platform/topology.ts";
import type { UncoreParams } from "./params.ts";
import { type MeasurementSourceFactory, StartupError } from "../../sources/contract.ts";
import type { PerfSyscalls } from "../group.ts";
import { loadLibc } from "../load_libc.ts";
import { discoverUncorePmus } from "./discovery.ts";
import { parseUncoreEvents, UncoreEventError } from "./events.ts";
import { type GroupPlan, planUncoreGroups, UncorePlanError } from "./plan.ts";
import { type UncoreLog, UncoreSource } from "./source.ts";

export interface UncoreEnvironment {
  readonly hostPaths: HostPaths;
  readonly topology: Topology;
  readonly sys: PerfSyscalls;
  readonly now?: () => number;
  readonly log?: UncoreLog;
  readonly onClose?: () => void;
}

/** Whether the parameters ask for uncore counters: events listed, and enable_perf_uncore not false. */
export function wantsUncore(
  params: Pick<UncoreParams, "enable_perf_uncore" | "uncore_event_names">,
): boolean {
  return params.enable_perf_uncore !== false && params.uncore_event_names.length > 0;
}

/** Parses the events, discovers their PMU families, plans and opens the groups. */
export function createUncoreSource(params: UncoreParams, env: UncoreEnvironment): UncoreSource {
  const devicesDir = `${env.hostPaths.sys}/devices`;
  let plans: GroupPlan[];
  try {
    const events = parseUncoreEvents(params.uncore_event_names);
    const pmus = discoverUncorePmus(env.hostPaths, new Set(events.map((e) => e.family)));
    const cpuSockets = new Map(env.topology.cpuIds.map((ids) => [ids.cpu, ids.socket]));
    plans = planUncoreGroups(events, pmus, cpuSockets, devicesDir);
  } catch (error) {
    if (error instanceof UncoreEventError || error instanceof UncorePlanError) {
      throw new StartupError(error.message);
    }
    throw new StartupError(`cannot read the uncore PMUs under ${devicesDir}: ${(error as Error).message}`);
  }
  return UncoreSource.open(plans, { ...env, derived: params.enable_derived_metrics });
}

/** The MeasurementRunner's factory: no source unless uncore events are asked for. */
export const uncoreSourceFactory: MeasurementSourceFactory<UncoreParams> = (params, context, facts) => {
  if (!wantsUncore(params)) {
    if (params.enable_perf_uncore === true) {
      getLogger("wca.perf.uncore").warning(
        "enable_perf_uncore is true but uncore_event_names is empty: no uncore counters are measured " +
          "(list events such as platform_cas_count_reads)",
      );
    }
    return undefined;
  }
  const libc = loadLibc();
  try {
    return createUncoreSource(params, {
      hostPaths: context.hostPaths,
      topology: facts.topology,
      sys: libc,
      onClose: () => libc.unload(),
    });
  } catch (error) {
    libc.unload();
    throw error;
  }
};
