/**
 * Starts per-task perf counters for MeasurementRunner when event_names asks for them: resolves the
 * names for this CPU, checks counters and permissions, probes each event once against the kernel, and
 * refuses to start (StartupError) with a sentence an operator can act on.
 */
import { PERF_COUNT_SW, PERF_TYPE } from "../../ffi/mod.ts";
import type { ComponentContext } from "../components/component.ts";
import { getLogger } from "../logging/mod.ts";
import { type PerfEventPlacement, placePerfEvent } from "../platform/cgroup/mod.ts";
import type { HostPaths } from "../platform/host_paths.ts";
import { readCpuinfo, readPerfAccess, readProcCgroups } from "../platform/procfs/mod.ts";
import type { HostFacts } from "../sources/facts.ts";
import type { PerfParams } from "./params.ts";
import type { UncoreParams } from "./uncore/params.ts";
import { type MeasurementSource, StartupError } from "../sources/contract.ts";
import { counterLimitProblem, fdLimitAdvice, openRefusal, permissionProblem } from "./checks.ts";
import { cpuCodename, cpuIdentity, describeCpu } from "./cpu_model.ts";
import { type PerfEvent, resolveEvents } from "./events.ts";
import { PerfEventGroup, PerfOpenError } from "./group.ts";
import { PerfSource } from "./source.ts";
import type { CounterSyscalls } from "./task_counters.ts";
import { loadLibc } from "./load_libc.ts";
import { wantsUncore } from "./uncore/factory.ts";

const log = getLogger("wca.perf");

/**
 * A software event exists on every kernel, so ENOENT for one in cgroup mode means the hierarchy has no
 * perf_event controller. placePerfEvent should have foreseen it; the probe is the kernel's own word.
 */
interface ProbeTarget {
  readonly cgroupRoot: string;
  readonly cpu: number;
  readonly maxOpenFiles: number;
  readonly paths: HostPaths;
}

function assertCgroupCounting(sys: CounterSyscalls, rootFd: number, target: ProbeTarget): void {
  const { cgroupRoot, cpu } = target;
  const probe = {
    name: "task_clock",
    attr: { type: PERF_TYPE.SOFTWARE, config: BigInt(PERF_COUNT_SW.TASK_CLOCK) },
  };
  try {
    PerfEventGroup.open(sys, [probe], { pid: -1, cpu, cgroupFd: rootFd }).close();
  } catch (error) {
    if (!(error instanceof PerfOpenError)) throw error;
    if (error.code === "ENOENT") {
      throw new StartupError(
        `the kernel cannot count perf events for cgroups under ${cgroupRoot} (ENOENT for a software event): ` +
          `the perf_event controller is not available in that hierarchy. ${mountAdvice(target.paths)}`,
      );
    }
    throw new StartupError(
      openRefusal(error, fdLimitAdvice(target.maxOpenFiles), COUNTING) ??
        `cannot count perf events for cgroups under ${cgroupRoot}: ${error.message}`,
    );
  }
}

/** What needs the privilege, for openRefusal's sentence. */
const COUNTING = "counting perf events per cgroup";

/** The commands that mount perf_event as a v1 hierarchy under this host's cgroup root. */
function mountCommand(paths: HostPaths): string {
  const dir = `${paths.cgroup}/perf_event`;
  return `mkdir -p ${dir} && mount -t cgroup -o perf_event perf_event ${dir}`;
}

/** How to give the kernel a perf_event hierarchy on this host. */
function mountAdvice(paths: HostPaths): string {
  return `Mount it as a v1 hierarchy (${mountCommand(paths)}) or run on a pure cgroup v2 host`;
}

/** Where to count, or a StartupError saying why nothing can count here and what would fix it. */
export function perfPlacementOrRefusal(
  placement: PerfEventPlacement,
  paths: HostPaths,
): Exclude<PerfEventPlacement, { kind: "unavailable" }> {
  if (placement.kind !== "unavailable") return placement;
  const advice = placement.mountHelps ? ` ${mountAdvice(paths)}` : "";
  throw new StartupError(
    `perf counters per cgroup are not possible on this host: ${placement.reason}.${advice}`,
  );
}

/** Said once per task that cannot be counted because it has no cgroup2 directory on a hybrid host. */
function hybridAdvice(paths: HostPaths, root: string): string {
  return `perf_event counts in cgroup2 on this host (it is bound to no v1 hierarchy), so only tasks with a ` +
    `directory under ${root} are counted, as systemd and container runtimes create. To count every task, ` +
    `mount it as a v1 hierarchy (${mountCommand(paths)})`;
}

/** Errnos that mean "this CPU or kernel cannot count this event": skip it, say so once. */
const UNSUPPORTED = new Set(["ENOENT", "EOPNOTSUPP", "EINVAL", "ENODEV", "E2BIG"]);

export function createPerfSource(
  params: PerfParams & Pick<UncoreParams, "enable_perf_uncore" | "uncore_event_names">,
  context: ComponentContext,
  facts: HostFacts,
): MeasurementSource | undefined {
  if (params.event_names.length === 0) {
    if (params.enable_derived_metrics && !wantsUncore(params)) {
      log.warning("enable_derived_metrics has no effect without event_names or uncore_event_names");
    }
    return undefined;
  }
  const paths = context.hostPaths;
  const cpu = cpuIdentity(readCpuinfo(paths).processors[0]?.fields);
  const { events, problems } = resolveEvents(params.event_names, cpuCodename(cpu));
  const unknown = problems.filter((p) => !p.includes("no event code for this CPU"));
  if (unknown.length) throw new StartupError(`event_names: ${unknown.join("; ")}`);
  for (const problem of problems) log.warning(`${problem}; skipped (CPU: ${describeCpu(cpu)})`);

  const limit = counterLimitProblem(events, facts.topology.cpus, facts.topology.cores);
  if (limit) throw new StartupError(limit);
  const access = readPerfAccess(paths);
  const permission = permissionProblem(access, Deno.uid() ?? 0);
  if (permission) throw new StartupError(permission);
  const placement = perfPlacementOrRefusal(
    placePerfEvent(facts.layout, readProcCgroups(paths), `${paths.proc}/cgroups`),
    paths,
  );
  const cgroupRoot = placement.root;
  const libc = loadLibc();
  let supported: PerfEvent[];
  try {
    const cpu = facts.topology.onlineCpus[0] ?? 0;
    supported = probeEvents(libc, events, { cgroupRoot, cpu, maxOpenFiles: access.maxOpenFiles, paths });
  } catch (error) {
    libc.unload();
    throw error;
  }
  if (supported.length === 0) {
    log.warning("none of event_names can be counted on this host; perf counters are off");
    libc.unload();
    return undefined;
  }
  log.info(
    `perf: counting ${supported.map((e) => e.name).join(", ")} per task on ${facts.topology.cpus} CPUs ` +
      `(cgroups under ${cgroupRoot}: ${describePlacement(placement)})`,
  );
  return new PerfSource(libc, supported, {
    cgroupRoot,
    cpus: facts.topology.onlineCpus,
    aggregateCpus: params.perf_aggregate_cpus,
    derivedMetrics: params.enable_derived_metrics,
    maxOpenFiles: access.maxOpenFiles,
    ...(placement.kind === "v2" && placement.hybrid
      ? { missingDirAdvice: hybridAdvice(paths, cgroupRoot) }
      : {}),
    onClose: () => libc.unload(),
  });
}

function describePlacement(placement: Exclude<PerfEventPlacement, { kind: "unavailable" }>): string {
  if (placement.kind === "v1") return "the v1 perf_event hierarchy";
  return placement.hybrid
    ? "cgroup2, as perf_event is bound to no v1 hierarchy; tasks without a cgroup2 directory are not counted"
    : "cgroup2";
}

/**
 * Opens each event alone for the hierarchy's root cgroup on one CPU: what the kernel refuses here it
 * would refuse for every task. Unsupported events are reported once and dropped; a permission or fd
 * problem stops the start.
 */
function probeEvents(sys: CounterSyscalls, events: readonly PerfEvent[], target: ProbeTarget): PerfEvent[] {
  let rootFd: number;
  try {
    rootFd = sys.open(target.cgroupRoot, { directory: true });
  } catch (error) {
    throw new StartupError(
      `cannot open the perf cgroup hierarchy ${target.cgroupRoot}: ${(error as Error).message}`,
    );
  }
  const supported: PerfEvent[] = [];
  try {
    assertCgroupCounting(sys, rootFd, target);
    for (const event of events) {
      try {
        PerfEventGroup.open(sys, [event], { pid: -1, cpu: target.cpu, cgroupFd: rootFd }).close();
        supported.push(event);
      } catch (error) {
        if (!(error instanceof PerfOpenError)) throw error;
        const refusal = openRefusal(error, fdLimitAdvice(target.maxOpenFiles), COUNTING);
        if (refusal) throw new StartupError(refusal);
        const why = UNSUPPORTED.has(error.code ?? "")
          ? "not supported by this CPU or kernel"
          : "refused by the kernel";
        log.warning(`perf event ${event.name} is ${why} (${(error.cause as Error).message}); skipped`);
      }
    }
  } finally {
    sys.close(rootFd);
  }
  return supported;
}
