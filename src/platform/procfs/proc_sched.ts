/**
 * /proc/PID/sched: the scheduler's statistics of a process's main thread, printed by
 * proc_sched_show_task() in kernel/sched/debug.c (CONFIG_SCHED_DEBUG). After a header
 * (`comm (pid, #threads: N)` and a dashed line) come `key : value` lines (values are integers, or
 * nanosecond times printed as `ms.ns`), then, with CONFIG_NUMA_BALANCING, one
 * `numa_faults node=N task_private=… task_shared=… group_private=… group_shared=…` line per node.
 */
import type { HostPaths } from "../host_paths.ts";
import { readUnlessGone } from "../fs_errors.ts";
import { linesOf, PlatformParseError, toDecimal, toInteger } from "../parse.ts";

export interface NumaFaults {
  readonly node: number;
  /** task_private, task_shared, group_private, group_shared → faults. */
  readonly faults: ReadonlyMap<string, number>;
}

export interface ProcSched {
  /** Every `key : value` line whose key `keys` accepts, in file order. */
  readonly values: ReadonlyMap<string, number>;
  readonly numaFaults: readonly NumaFaults[];
}

const PAIR = /^(\w+)=(\S+)$/;

/**
 * Parses the file; `keys` selects the `key : value` lines (all by default). The `numa_faults` lines are
 * always parsed. Lines of neither shape (the header, `current_node=0, numa_group_id=0`) are skipped.
 */
export function parseProcSched(text: string, source = "sched", keys: RegExp = /^/): ProcSched {
  const values = new Map<string, number>();
  const numaFaults: NumaFaults[] = [];
  const lines = linesOf(text);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith("numa_faults ")) {
      numaFaults.push(parseNumaFaults(line, source, i + 1));
      continue;
    }
    const colon = line.indexOf(":");
    if (colon < 0 || line.includes("#threads")) continue;
    const key = line.slice(0, colon).trim();
    if (key === "" || !keys.test(key)) continue;
    const token = line.slice(colon + 1).trim();
    const value = token.includes(".")
      ? toDecimal(token, source, i + 1, key)
      : toInteger(token, source, i + 1, key);
    values.set(key, value);
  }
  return { values, numaFaults };
}

function parseNumaFaults(line: string, source: string, lineNumber: number): NumaFaults {
  const fields = line.split(/\s+/).filter((field) => field !== "").slice(1);
  const first = PAIR.exec(fields[0] ?? "");
  if (first === null || first[1] !== "node") {
    throw new PlatformParseError(source, lineNumber, 'expected "numa_faults node=N type=count …"');
  }
  const node = toInteger(first[2], source, lineNumber, "node");
  const faults = new Map<string, number>();
  for (const field of fields.slice(1)) {
    const pair = PAIR.exec(field);
    if (pair === null) {
      throw new PlatformParseError(source, lineNumber, `expected type=count, got "${field}"`);
    }
    faults.set(pair[1]!, toInteger(pair[2], source, lineNumber, pair[1]!));
  }
  return { node, faults };
}

/** The process's sched file; undefined when the process has exited. */
export function readProcSched(paths: HostPaths, pid: number, keys?: RegExp): ProcSched | undefined {
  const path = `${paths.proc}/${pid}/sched`;
  const text = readUnlessGone(path);
  if (text === undefined) return undefined;
  return parseProcSched(text, path, keys);
}
