/**
 * AllocationRunner's start with RDT: one owner of every task's resctrl groups (the RDT measurement
 * source's when it runs, else one of its own), the required-control checks, remove_all_resctrl_groups
 * and the root group's defaults. Also the allocations_count / allocations_errors counters.
 */
import { allocationStatisticsMetrics } from "../../allocations/mod.ts";
import type { Logger } from "../../logging/mod.ts";
import type { Metric } from "../../metrics/metric.ts";
import type { HostPaths } from "../../platform/host_paths.ts";
import { readResctrlInfo } from "../../platform/resctrl/mod.ts";
import { ResctrlTaskGroups } from "../../platform/resctrl/task_groups.ts";
import { StartupError } from "../../sources/contract.ts";

export interface RdtAllocation {
  readonly owner: ResctrlTaskGroups;
  close(): void;
}

export interface RdtStartOptions {
  readonly hostPaths: HostPaths;
  /** The RDT measurement source's owner, when monitoring runs. */
  readonly measurementOwner: ResctrlTaskGroups | undefined;
  readonly cacheRequired: boolean;
  readonly mbRequired: boolean;
  readonly removeAllGroups: boolean;
  readonly defaults: { readonly l3: string | undefined; readonly mb: string | undefined };
  readonly dryRun: boolean;
  readonly log: Pick<Logger, "info" | "warning">;
}

/** Undefined when resctrl offers no allocation here and none is required; StartupError when required. */
export function startRdtAllocation(options: RdtStartOptions): RdtAllocation | undefined {
  const required = options.cacheRequired || options.mbRequired;
  const root = options.hostPaths.resctrl;
  let owner = options.measurementOwner;
  const made = owner === undefined;
  if (owner === undefined) {
    let info;
    try {
      info = readResctrlInfo(options.hostPaths);
    } catch (error) {
      const message = `resctrl at ${root} cannot be read: ${(error as Error).message}`;
      if (required) throw new StartupError(`RDT control is required but ${message}`);
      options.log.warning(`${message}; RDT allocations are refused`);
      return undefined;
    }
    if (info === undefined || info.closids === undefined) {
      if (required) {
        throw new StartupError(
          `RDT control is required (rdt_${options.cacheRequired ? "cache" : "mb"}_control_required) but ` +
            (info === undefined
              ? `resctrl is not mounted at ${root}`
              : `resctrl at ${root} offers no allocation`),
        );
      }
      return undefined;
    }
    owner = new ResctrlTaskGroups(info);
  }
  const info = owner.info;
  if (options.cacheRequired && info.l3 === undefined && info.l3code === undefined) {
    throw new StartupError(
      `rdt_cache_control_required is true but resctrl at ${root} has no L3 cache allocation`,
    );
  }
  if (options.mbRequired && info.mb === undefined) {
    throw new StartupError(
      `rdt_mb_control_required is true but resctrl at ${root} has no memory bandwidth allocation`,
    );
  }
  const control = owner.control;
  if (!options.dryRun && control !== undefined) {
    if (options.removeAllGroups) {
      const removed = control.removeAllGroups();
      options.log.info(`remove_all_resctrl_groups: removed ${removed.length} resctrl group(s)`);
    }
    if (options.defaults.l3 !== undefined || options.defaults.mb !== undefined) {
      control.setRootDefaults({
        ...(options.defaults.l3 === undefined ? {} : { l3: options.defaults.l3 }),
        ...(options.defaults.mb === undefined ? {} : { mb: options.defaults.mb }),
      });
    }
  }
  const held = owner;
  return { owner: held, close: () => void (made && held.close()) };
}

/** allocations_count and allocations_errors since start, and the last allocate() duration. */
export class AllocationStatisticsCounter {
  #count = 0;
  #errors = 0;

  count(values: number): void {
    this.#count += values;
  }

  errors(errors: number): void {
    this.#errors += errors;
  }

  get totals(): { count: number; errors: number } {
    return { count: this.#count, errors: this.#errors };
  }

  metrics(labels: Record<string, string>, durationSeconds: number): Metric[] {
    return allocationStatisticsMetrics({ count: this.#count, errors: this.#errors, durationSeconds }, labels);
  }
}
