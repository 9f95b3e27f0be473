/**
 * The pure parts of the agent benchmark (agent_bench.ts): parsing what the kernel, strace and V8 print,
 * the statistics, and the table. Table-tested in tests/bench/stats_test.ts.
 */

/** Nanoseconds a thread has run, the first field of /proc/PID/task/TID/schedstat. */
export function parseSchedstat(text: string): number {
  const first = text.trim().split(/\s+/, 1)[0] ?? "";
  if (!/^\d+$/.test(first)) {
    throw new Error(`schedstat: expected "<run ns> <wait ns> <slices>", got ${JSON.stringify(text)}`);
  }
  return Number(first);
}

/** A "VmRSS:    1234 kB" field of /proc/PID/status, in bytes; undefined when absent. */
export function statusBytes(text: string, field: string): number | undefined {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(text);
  return match ? Number(match[1]) * 1024 : undefined;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100); NaN for no values. With fewer than 100 values p99 is the maximum. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  if (p === 50 && sorted.length % 2 === 0) {
    return (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  }
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Differences of consecutive values: per-iteration CPU from cumulative counters at iteration boundaries. */
export function deltas(values: readonly number[]): number[] {
  return values.slice(1).map((value, i) => value - values[i]!);
}

/**
 * GC pauses in ms from V8's --trace-gc lines, e.g.
 * `[1:0x5…]   812 ms: Scavenge 4.1 (5.3) -> 3.2 (6.1) MB, pooled: 0 MB, 1.25 / 0.00 ms  (average mu …`.
 * The pause is the first of "X / Y ms" (X: time on the main thread, which is what stops the agent).
 */
export function gcPauses(trace: string): { kind: string; ms: number }[] {
  const out: { kind: string; ms: number }[] = [];
  for (const line of trace.split("\n")) {
    const match = /\d+ ms: ([A-Za-z-]+(?: \([^)]*\))?).*? MB, (?:.*? )?([\d.]+) \/ [\d.]+ ms/.exec(line);
    if (match) out.push({ kind: match[1]!, ms: Number(match[2]) });
  }
  return out;
}

/**
 * The files opened for reading in one iteration, from an `strace -f -e trace=open,openat,rename,renameat,
 * renameat2` log of the agent: the successful read-only opens between the first two renames onto
 * `output` (LogStorage with overwrite renames its temporary file onto it once per iteration).
 * Undefined when the log holds fewer than two such renames.
 */
export function tracedIterationReads(trace: string, output: string): string[] | undefined {
  const quoted = JSON.stringify(output);
  let renames = 0;
  const reads: string[] = [];
  for (const line of trace.split("\n")) {
    if (/\brename(?:at2?)?\(/.test(line) && line.includes(`, ${quoted}`) && !/= -1 /.test(line)) {
      if (++renames === 2) return reads;
      continue;
    }
    if (renames !== 1) continue;
    const open = /\bopen(?:at2?)?\((?:[^,"]+, )?"((?:[^"\\]|\\.)*)", ([A-Z_|]+)/.exec(line);
    if (!open || /= -1 /.test(line)) continue;
    if (/O_WRONLY|O_RDWR|O_CREAT|O_DIRECTORY|O_PATH/.test(open[2]!)) continue;
    reads.push(open[1]!);
  }
  return undefined;
}

/**
 * Of the agent's open descriptors (readlink of /proc/PID/fd/*), the kernel files it keeps open to re-read
 * (cgroup, /proc and /sys files), in the order given; its own /proc/PID files as /proc/self.
 */
export function keptOpenReads(links: readonly string[], pid: number): string[] {
  return links
    .filter((link) => link.startsWith("/sys/") || link.startsWith("/proc/"))
    .map((link) =>
      link.startsWith(`/proc/${pid}/`) ? `/proc/self/${link.slice(`/proc/${pid}/`.length)}` : link
    );
}

/** The files of one iteration: what it opened and what it keeps open, each once, in first-seen order. */
export function iterationReads(opened: readonly string[], keptOpen: readonly string[]): string[] {
  return [...new Set([...opened, ...keptOpen])];
}

/** One row of the benchmark's table, for one number of tasks. */
export interface BenchRow {
  readonly tasks: number;
  readonly files: number;
  /** The median iteration CPU of each run, ms. */
  readonly runMedians: readonly number[];
  /** 99th percentile over every counted iteration of every run, ms. */
  readonly p99: number;
  /** Median CPU of one open/read/close pass of the C floor over the same files, ms. */
  readonly floor: number;
  /** Median CPU of one pread pass over descriptors kept open, ms. */
  readonly preadFloor: number;
  readonly rssMiB: number;
  readonly peakRssMiB: number;
  readonly fds: number;
  /** The longest GC pause seen, ms (with --trace-gc). */
  readonly maxGcPauseMs?: number;
}

const fixed = (value: number, digits = 1) => Number.isFinite(value) ? value.toFixed(digits) : "-";

/** Markdown table, numbers right-aligned, columns padded so the plain text reads too. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
  const numeric = header.map((_, i) =>
    rows.length > 0 && rows.every((row) => /^[-\d.,x% ()]*$/.test(row[i] ?? ""))
  );
  const cell = (text: string, i: number) => numeric[i] ? text.padStart(widths[i]!) : text.padEnd(widths[i]!);
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => cell(c, i)).join(" | ")} |`;
  const rule = `| ${
    widths.map((w, i) => numeric[i] ? "-".repeat(w - 1) + ":" : "-".repeat(w)).join(" | ")
  } |`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

/** The benchmark's result table: agent CPU per iteration beside the C floor, memory and descriptors. */
export function formatRows(rows: readonly BenchRow[]): string {
  const gc = rows.some((row) => row.maxGcPauseMs !== undefined);
  const header = [
    "tasks",
    "files",
    "CPU ms/iter",
    "runs",
    "p99 ms",
    "C floor ms",
    "ratio",
    "pread floor ms",
    "RSS MiB",
    "peak RSS MiB",
    "fds",
    ...(gc ? ["max GC pause ms"] : []),
  ];
  const body = rows.map((row) => {
    const cpu = median(row.runMedians);
    return [
      String(row.tasks),
      String(row.files),
      fixed(cpu, 2),
      row.runMedians.map((m) => fixed(m, 1)).join(" "),
      fixed(row.p99, 1),
      fixed(row.floor, 2),
      `${fixed(cpu / row.floor, 2)}x`,
      fixed(row.preadFloor, 2),
      fixed(row.rssMiB),
      fixed(row.peakRssMiB),
      String(row.fds),
      ...(gc ? [fixed(row.maxGcPauseMs ?? NaN, 2)] : []),
    ];
  });
  return formatTable(header, body);
}
