/**
 * /proc/stat: per-CPU busy time, the source of platform_cpu_usage.
 *
 * Busy time is user+nice+system+irq+softirq+steal in USER_HZ ticks, as the original WCA counts it: idle
 * and iowait are not busy, and guest/guest_nice are already included in user/nice.
 */
import type { HostPaths } from "../host_paths.ts";
import { type ReadText, readTextFile } from "../open_files.ts";
import { linesOf, PlatformParseError, toInteger } from "../parse.ts";

const CPU_LINE = /^cpu(\d+)$/;

/** Field positions after the `cpuN` label (see proc(5)). */
const USER = 0, NICE = 1, SYSTEM = 2, IRQ = 5, SOFTIRQ = 6, STEAL = 7;
/** user … softirq are present on every kernel we support; steal came with 2.6.11. */
const MIN_FIELDS = 7;

/** Busy ticks per logical CPU id; the aggregate `cpu` line and other lines are ignored. */
export function parseProcStat(text: string, source = "stat"): ReadonlyMap<number, number> {
  const usage = new Map<number, number>();
  const lines = linesOf(text);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.startsWith("cpu")) continue;
    const fields = line.trim().split(/\s+/);
    const label = CPU_LINE.exec(fields[0]!);
    if (label === null) {
      if (fields[0] === "cpu") continue; // the all-CPU total
      throw new PlatformParseError(source, i + 1, `bad CPU label ${JSON.stringify(fields[0])}`);
    }
    const cpu = Number(label[1]);
    const values = fields.slice(1);
    if (values.length < MIN_FIELDS) {
      throw new PlatformParseError(source, i + 1, `expected at least ${MIN_FIELDS} counters for cpu${cpu}`);
    }
    const at = (index: number) => toInteger(values[index], source, i + 1, `cpu${cpu} field ${index + 1}`);
    const steal = values.length > STEAL ? at(STEAL) : 0;
    usage.set(cpu, at(USER) + at(NICE) + at(SYSTEM) + at(IRQ) + at(SOFTIRQ) + steal);
  }
  if (usage.size === 0) throw new PlatformParseError(source, undefined, "no per-CPU lines");
  return usage;
}

/** Reads and parses `<proc>/stat`. */
export function readProcStat(paths: HostPaths, read: ReadText = readTextFile): ReadonlyMap<number, number> {
  const path = `${paths.proc}/stat`;
  return parseProcStat(read(path), path);
}
