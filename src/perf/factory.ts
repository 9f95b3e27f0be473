/**
 * Starts per-task perf counters for MeasurementRunner when event_names asks for them: resolves the
 * names for this CPU, checks counters and permissions, probes each event once against the kernel, and
 * refuses to start (StartupError) with a sentence an operator can act on.
 */
import { Libc, PERF_COUNT_SW, PERF_TYPE } from "../../ffi/mod.ts";
import type { ComponentContext } from "../components/component.ts";
import { getLogger } from "../logging/mod.ts";
import type { CgroupLayout } from "../platform/cgroup/mod.ts";
import { readCpuinfo, readPerfAccess } from "../platform/procfs/mod.ts";
import type { HostFacts } from "../runners/measurement/facts.ts";
import type { MeasurementRunnerParams } from "../runners/measurement/schema.ts";
import { type MeasurementSource, StartupError } from "../runners/measurement/sources.ts";
import { counterLimitProblem, fdLimitAdvice, permissionProblem } from "./checks.ts";
import { cpuCodename, cpuIdentity, describeCpu } from "./cpu_model.ts";
import { type PerfEvent, resolveEvents } from "./events.ts";
import { PerfEventGroup, PerfOpenError } from "./group.ts";
import { PerfSource } from "./source.ts";
import type { CounterSyscalls } from "./task_counters.ts";

const log = getLogger("wca.perf");

/** Where task cgroups are for perf: the v1 perf_event hierarchy, else cgroup2 (perf_event is implicit there). */
export function perfCgroupRoot(layout: CgroupLayout): string | undefined {
  return layout.v1.get("perf_event")?.mountPoint ?? layout.unified?.mountPoint;
}

/**
 * A software event exists on every kernel, so ENOENT for one in cgroup mode means the hierarchy has no
 * perf_event controller: seen on hybrid hosts, where the kernel answers ENOENT for the cgroup2 root
 * while perf_event is not mounted as a v1 hierarchy.
 */
function assertCgroupCounting(sys: CounterSyscalls, rootFd: number, cgroupRoot: string, cpu: number): void {
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
          "the perf_event controller is not bound to that hierarchy. Mount it as a v1 hierarchy " +
          "(mkdir /sys/fs/cgroup/perf_event && mount -t cgroup -o perf_event perf_event /sys/fs/cgroup/perf_event) " +
          "or run on a pure cgroup v2 host",
      );
    }
    if (error.code === "EACCES" || error.code === "EPERM") {
      throw new StartupError(`${error.message}: the kernel refused access; see kernel.perf_event_paranoid`);
    }
    throw new StartupError(`cannot count perf events for cgroups under ${cgroupRoot}: ${error.message}`);
  }
}

/** Errnos that mean "this CPU or kernel cannot count this event": skip it, say so once. */
const UNSUPPORTED = new Set(["ENOENT", "EOPNOTSUPP", "EINVAL", "ENODEV", "E2BIG"]);

export function createPerfSource(
  params: MeasurementRunnerParams,
  context: ComponentContext,
  facts: HostFacts,
  sys: CounterSyscalls & { unload?(): void } | undefined = undefined,
): MeasurementSource | undefined {
  if (params.event_names.length === 0) {
    const uncore = params.enable_perf_uncore !== false && params.uncore_event_names.length > 0;
    if (params.enable_derived_metrics && !uncore) {
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
  const cgroupRoot = perfCgroupRoot(facts.layout);
  if (!cgroupRoot) {
    throw new StartupError(
      "perf counters per cgroup need the perf_event controller: mount it " +
        "(mount -t cgroup -o perf_event perf_event /sys/fs/cgroup/perf_event) or use cgroup v2",
    );
  }
  let libc: (CounterSyscalls & { unload?(): void }) | undefined = sys;
  if (!libc) {
    try {
      libc = new Libc();
    } catch (error) {
      throw new StartupError((error as Error).message);
    }
  }
  let supported: PerfEvent[];
  try {
    supported = probeEvents(libc, events, cgroupRoot, facts.topology.onlineCpus[0] ?? 0, access.maxOpenFiles);
  } catch (error) {
    libc.unload?.();
    throw error;
  }
  if (supported.length === 0) {
    log.warning("none of event_names can be counted on this host; perf counters are off");
    libc.unload?.();
    return undefined;
  }
  log.info(
    `perf: counting ${supported.map((e) => e.name).join(", ")} per task on ${facts.topology.cpus} CPUs ` +
      `(cgroups under ${cgroupRoot})`,
  );
  return new PerfSource(libc, supported, {
    cgroupRoot,
    cpus: facts.topology.onlineCpus,
    aggregateCpus: params.perf_aggregate_cpus,
    derivedMetrics: params.enable_derived_metrics,
    maxOpenFiles: access.maxOpenFiles,
    onClose: () => libc.unload?.(),
  });
}

/**
 * Opens each event alone for the hierarchy's root cgroup on one CPU: what the kernel refuses here it
 * would refuse for every task. Unsupported events are reported once and dropped; a permission or fd
 * problem stops the start.
 */
function probeEvents(
  sys: CounterSyscalls,
  events: readonly PerfEvent[],
  cgroupRoot: string,
  cpu: number,
  maxOpenFiles: number,
): PerfEvent[] {
  let rootFd: number;
  try {
    rootFd = sys.open(cgroupRoot, { directory: true });
  } catch (error) {
    throw new StartupError(
      `cannot open the perf cgroup hierarchy ${cgroupRoot}: ${(error as Error).message}`,
    );
  }
  const supported: PerfEvent[] = [];
  try {
    assertCgroupCounting(sys, rootFd, cgroupRoot, cpu);
    for (const event of events) {
      try {
        PerfEventGroup.open(sys, [event], { pid: -1, cpu, cgroupFd: rootFd }).close();
        supported.push(event);
      } catch (error) {
        if (!(error instanceof PerfOpenError)) throw error;
        const code = error.code ?? "";
        if (code === "EMFILE" || code === "ENFILE") throw new StartupError(fdLimitAdvice(maxOpenFiles));
        if (code === "EACCES" || code === "EPERM") {
          throw new StartupError(
            `${error.message}: the kernel refused access; see kernel.perf_event_paranoid`,
          );
        }
        const why = UNSUPPORTED.has(code) ? "not supported by this CPU or kernel" : "refused by the kernel";
        log.warning(`perf event ${event.name} is ${why} (${(error.cause as Error).message}); skipped`);
      }
    }
  } finally {
    sys.close(rootFd);
  }
  return supported;
}
