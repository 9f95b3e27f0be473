/**
 * Where the kernel counts perf events per cgroup on this host. The perf_event controller is either bound
 * to a v1 hierarchy or, while bound to none, implicitly available on cgroup2. Mounting it as v1 binds it;
 * the binding outlives the mount while that hierarchy still has cgroups, and then the kernel refuses
 * cgroup-mode events under cgroup2 (ENOENT) although nothing shows it in mountinfo. `<proc>/cgroups` tells.
 */
import type { ControllerBinding } from "../procfs/cgroups.ts";
import type { CgroupLayout } from "./mounts.ts";

export type PerfEventPlacement =
  /** perf_event is mounted as a v1 hierarchy: task directories there. */
  | { readonly kind: "v1"; readonly root: string }
  /** perf_event is bound to no v1 hierarchy: each task's cgroup2 directory (on hybrid hosts, if it has one). */
  | { readonly kind: "v2"; readonly root: string; readonly hybrid: boolean }
  /** Nothing can count here; `mountHelps` says whether mounting perf_event as v1 would fix it. */
  | { readonly kind: "unavailable"; readonly reason: string; readonly mountHelps: boolean };

/**
 * Decides from the mounts and `<proc>/cgroups` (undefined when unreadable: then the mounts alone decide,
 * as older code did). `source` names that file in the reasons.
 */
export function placePerfEvent(
  layout: CgroupLayout,
  controllers: ReadonlyMap<string, ControllerBinding> | undefined,
  source = "cgroups",
): PerfEventPlacement {
  const v1 = layout.v1.get("perf_event");
  if (v1) return { kind: "v1", root: v1.mountPoint };
  const binding = controllers?.get("perf_event");
  if (controllers && !binding) {
    return {
      kind: "unavailable",
      reason: `this kernel has no perf_event cgroup controller (${source} does not list it: ` +
        "the kernel was built without CONFIG_CGROUP_PERF)",
      mountHelps: false,
    };
  }
  if (binding && !binding.enabled) {
    return {
      kind: "unavailable",
      reason: `the perf_event cgroup controller is disabled (${source}: enabled 0; ` +
        "remove cgroup_disable=perf_event from the kernel command line)",
      mountHelps: false,
    };
  }
  if (binding && binding.hierarchy !== 0) {
    return {
      kind: "unavailable",
      reason:
        `the perf_event controller is bound to v1 hierarchy ${binding.hierarchy}, which is not mounted ` +
        "here (a hierarchy keeps its controller after unmount while it still has cgroups), so the kernel " +
        "cannot count for cgroup2 directories either",
      mountHelps: true,
    };
  }
  if (!layout.unified) {
    return {
      kind: "unavailable",
      reason: "perf_event is bound to no v1 hierarchy and no cgroup2 hierarchy is mounted",
      mountHelps: true,
    };
  }
  return { kind: "v2", root: layout.unified.mountPoint, hybrid: layout.mode === "hybrid" };
}
