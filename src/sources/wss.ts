/**
 * The working-set-size source (WCA 2.x's wss_* parameters): every iteration, each task's processes have
 * /proc/PID/smaps_rollup read; `Referenced:` summed is task_wss_referenced_bytes. Writing "1" to
 * /proc/PID/clear_refs every `wss_reset_cycles` iterations (and, when searching, once the growth has been
 * stable) starts the count again. task_working_set_size_bytes follows WCA's stability rule
 * (wss_stability.ts); task_wss_measure_overhead_seconds is the time spent reading and clearing.
 *
 * Clearing the referenced bits makes the kernel walk the page tables and can change page reclaim
 * decisions; that is why it is off unless wss_reset_cycles is set.
 */
import type { ComponentContext } from "../components/component.ts";
import type { Task } from "../components/interfaces.ts";
import { integer, number } from "../config/schema.ts";
import { getLogger, OnceLog } from "../logging/mod.ts";
import type { Labels, Metric } from "../metrics/metric.ts";
import type { CgroupLayout } from "../platform/cgroup/mod.ts";
import type { HostPaths } from "../platform/host_paths.ts";
import { clearRefs, readSmapsRollup } from "../platform/procfs/mod.ts";
import type { MeasurementSource, MeasurementSourceFactory } from "./contract.ts";
import type { HostFacts } from "./facts.ts";
import { taskProcessIds } from "./task_processes.ts";
import { type WssSettings, WssStability } from "./wss_stability.ts";

const log = getLogger("wca.wss");

/** The fragment of MeasurementRunner's parameters this source owns. */
export const wssParams = {
  wss_reset_cycles: integer(0).optional().describe(
    "Working set size: measure task_wss_referenced_bytes from /proc/PID/smaps_rollup and reset the " +
      "referenced bits (/proc/PID/clear_refs) every this many iterations; 0 = only when stable; unset = off.",
  ),
  wss_reset_interval: integer(0).optional().describe("WCA 1.x name of wss_reset_cycles."),
  wss_stable_cycles: integer(-1_000_000, 1_000_000).default(0).describe(
    "Working set size: stable iterations in a row that give task_working_set_size_bytes; negative = the " +
      "same count without a reset when stable; 0 = no task_working_set_size_bytes.",
  ),
  wss_stable_duration: integer(-1_000_000, 1_000_000).optional().describe(
    "WCA 1.x name of wss_stable_cycles.",
  ),
  wss_threshold_divider: integer(1).optional().describe(
    "WCA 1.x: the growth threshold as a divider; used as wss_membw_threshold = 1 / divider when that is unset.",
  ),
  wss_membw_threshold: number(0).optional().describe(
    "Working set size: growth of referenced bytes per iteration, as a fraction of the task's memory " +
      "traffic (task_mem_bandwidth_bytes, RDT MBM) in it (0.01 = 1%), at or below which it is stable.",
  ),
};

export interface WssParams {
  readonly wss_reset_cycles?: number | undefined;
  readonly wss_reset_interval?: number | undefined;
  readonly wss_stable_cycles: number;
  readonly wss_stable_duration?: number | undefined;
  readonly wss_threshold_divider?: number | undefined;
  readonly wss_membw_threshold?: number | undefined;
}

/** The settings the parameters give (WCA 1.x names fill in for unset 2.x ones); undefined = off. */
export function wssSettings(params: WssParams): WssSettings | undefined {
  const resetCycles = params.wss_reset_cycles ?? params.wss_reset_interval;
  if (resetCycles === undefined) return undefined;
  const divider = params.wss_threshold_divider;
  return {
    resetCycles,
    stableCycles: params.wss_stable_cycles !== 0 ? params.wss_stable_cycles : params.wss_stable_duration ?? 0,
    membwThreshold: params.wss_membw_threshold ?? (divider === undefined ? undefined : 1 / divider),
  };
}

interface TaskState {
  readonly stability: WssStability;
  overheadSeconds: number;
}

export class WssSource implements MeasurementSource {
  readonly name = "wss";
  readonly #paths: HostPaths;
  readonly #layout: CgroupLayout;
  readonly #settings: WssSettings;
  readonly #tasks = new Map<string, TaskState>();
  readonly #once = new OnceLog(log);
  #warnedNoBandwidth = false;

  constructor(paths: HostPaths, layout: CgroupLayout, settings: WssSettings) {
    this.#paths = paths;
    this.#layout = layout;
    this.#settings = settings;
  }

  sync(tasks: readonly Task[]): void {
    const listed = new Set(tasks.map((task) => task.task_id));
    for (const id of this.#tasks.keys()) if (!listed.has(id)) this.#tasks.delete(id);
    this.#once.retain(listed);
  }

  taskMetrics(task: Task, labels: Labels, measured: readonly Metric[] = []): Metric[] {
    const started = performance.now();
    const pids = taskProcessIds(this.#layout, task);
    if (pids === undefined) return [];
    let referenced = 0;
    for (const pid of pids) {
      try {
        referenced += readSmapsRollup(this.#paths, pid)?.referencedBytes ?? 0;
      } catch (error) {
        // e.g. EACCES: a process this agent may not inspect (another user namespace, no CAP_SYS_PTRACE).
        this.#once.warn(
          task.task_id,
          `wss: task ${task.task_id}: process ${pid} left out: ${(error as Error).message}`,
        );
      }
    }
    let state = this.#tasks.get(task.task_id);
    if (state === undefined) {
      state = { stability: new WssStability(this.#settings), overheadSeconds: 0 };
      this.#tasks.set(task.task_id, state);
    }
    const membw = measured.find((m) => m.name === "task_mem_bandwidth_bytes")?.value;
    if (membw === undefined && state.stability.searching && !this.#warnedNoBandwidth) {
      this.#warnedNoBandwidth = true;
      log.warning(
        "wss: task_working_set_size_bytes needs task_mem_bandwidth_bytes (RDT memory bandwidth " +
          "monitoring), which this host does not give; only task_wss_referenced_bytes is measured",
      );
    }
    const step = state.stability.step(referenced, membw);
    if (step.reset) {
      for (const pid of pids) {
        try {
          clearRefs(this.#paths, pid);
        } catch (error) {
          this.#once.warn(
            task.task_id,
            `wss: task ${task.task_id}: process ${pid} not reset: ${(error as Error).message}`,
            "reset",
          );
        }
      }
      log.debug(`wss: task ${task.task_id}: referenced bits of ${pids.length} process(es) cleared`);
    }
    state.overheadSeconds += (performance.now() - started) / 1000;
    const out: Metric[] = [
      { name: "task_wss_referenced_bytes", value: referenced, labels },
      { name: "task_wss_measure_overhead_seconds", value: state.overheadSeconds, labels },
    ];
    if (step.workingSetBytes !== undefined) {
      out.push({ name: "task_working_set_size_bytes", value: step.workingSetBytes, labels });
    }
    return out;
  }

  platformMetrics(): Metric[] {
    return [];
  }

  close(): void {
    this.#tasks.clear();
  }
}

/** Starts the source when wss_reset_cycles (or WCA 1.x's wss_reset_interval) is set. */
export const wssSourceFactory: MeasurementSourceFactory<WssParams> = (
  params: WssParams,
  context: ComponentContext,
  facts: HostFacts,
) => {
  const settings = wssSettings(params);
  if (settings === undefined) {
    const without = [
      "wss_stable_cycles",
      "wss_stable_duration",
      "wss_threshold_divider",
      "wss_membw_threshold",
    ]
      .filter((name) => {
        const value = params[name as keyof WssParams];
        return value !== undefined && value !== 0;
      });
    if (without.length > 0) {
      log.warning(
        `wss: ${without.join(", ")} set without wss_reset_cycles, which turns the measurement on; ignored`,
      );
    }
    return undefined;
  }
  log.info(
    `wss: measuring referenced bytes of every task process; referenced bits reset ${
      settings.resetCycles > 0 ? `every ${settings.resetCycles} iteration(s)` : "only when stable"
    }`,
  );
  return new WssSource(context.hostPaths, facts.layout, settings);
};
