/**
 * The cgroup files allocations are read from and written to, in the kernel's own units:
 *
 * | what        | cgroup v1                                   | cgroup v2                    |
 * | ----------- | ------------------------------------------- | ---------------------------- |
 * | CPU limit   | cpu.cfs_quota_us (-1 = none), cfs_period_us | cpu.max "quota period" / "max period" |
 * | CPU weight  | cpu.shares (2..262144)                      | cpu.weight (1..10000)        |
 * | cpusets     | cpuset.cpus, cpuset.mems                    | cpuset.cpus, cpuset.mems     |
 * | page moving | cpuset.memory_migrate (0/1)                 | none (v2 has no such file)   |
 *
 * v2 weight and v1 shares convert with the formula the kernel, systemd and the OCI runtimes use:
 * weight = 1 + ((shares - 2) * 9999) / 262142 (integer division), and back as its exact inverse on
 * weights (see weightToShares). A controller not bound to v1 is looked for in cgroup2.
 */
import { errnoName, readUnlessGone } from "../fs_errors.ts";
import { parseSingleInteger } from "./formats.ts";
import { type CgroupLayout, type CgroupMount, controllerMount } from "./mounts.ts";
import * as hostFs from "../host_fs.ts";

/** cpu.cfs_quota_us / cpu.max in microseconds; quotaUs -1 is "no limit" (v2 "max"). */
export interface CpuLimit {
  readonly quotaUs: number;
  readonly periodUs: number;
}

export interface CgroupAllocationFiles {
  readonly version: { readonly cpu: 1 | 2 | undefined; readonly cpuset: 1 | 2 | undefined };
  readonly cpuLimit?: CpuLimit;
  /** v1 cpu.shares, or v2 cpu.weight converted to shares. */
  readonly shares?: number;
  /** v2 cpu.weight as read. */
  readonly weight?: number;
  /** cpuset.cpus / cpuset.mems as the kernel prints them (list format, trimmed). */
  readonly cpusetCpus?: string;
  readonly cpusetMems?: string;
  /** v1 only. */
  readonly memoryMigrate?: boolean;
}

export const SHARES_MIN = 2;
export const SHARES_MAX = 262144;
export const WEIGHT_MIN = 1;
export const WEIGHT_MAX = 10000;
/** The kernel's smallest CFS quota (1 ms) and largest period (1 s). */
export const QUOTA_MIN_US = 1000;
export const PERIOD_MIN_US = 1000;
export const PERIOD_MAX_US = 1_000_000;

/** cpu.shares → cpu.weight: 1 + ((shares - 2) * 9999) / 262142, shares clamped to 2..262144. */
export function sharesToWeight(shares: number): number {
  const s = Math.min(SHARES_MAX, Math.max(SHARES_MIN, Math.trunc(shares)));
  return 1 + Math.floor(((s - 2) * 9999) / 262142);
}

/**
 * cpu.weight → the smallest shares that convert back to the same weight: 2 + ceil((w - 1) * 262142 /
 * 9999). So sharesToWeight(weightToShares(w)) === w for every weight (a floor here would not be).
 */
export function weightToShares(weight: number): number {
  const w = Math.min(WEIGHT_MAX, Math.max(WEIGHT_MIN, Math.trunc(weight)));
  return 2 + Math.ceil(((w - 1) * 262142) / 9999);
}

/** v2 cpu.max: "max 100000" or "50000 100000". */
export function parseCpuMax(text: string, source: string): CpuLimit {
  const match = /^\s*(max|\d+)(?:\s+(\d+))?\s*$/.exec(text);
  if (!match) {
    throw new Error(`${source}: expected "max PERIOD" or "QUOTA PERIOD", got ${JSON.stringify(text)}`);
  }
  return {
    quotaUs: match[1] === "max" ? -1 : Number(match[1]),
    periodUs: match[2] === undefined ? 100000 : Number(match[2]),
  };
}

export function formatCpuMax(limit: CpuLimit): string {
  return `${limit.quotaUs < 0 ? "max" : limit.quotaUs} ${limit.periodUs}`;
}

/** The directory of `cgroupPath` in the hierarchy serving `controller`, and that hierarchy's version. */
export function controllerDir(
  layout: CgroupLayout,
  controller: "cpu" | "cpuset",
  cgroupPath: string,
): { dir: string; version: 1 | 2 } | undefined {
  const mount: CgroupMount | undefined = controllerMount(layout, controller);
  if (mount === undefined) return undefined;
  return { dir: `${mount.mountPoint}${cgroupPath === "/" ? "" : cgroupPath}`, version: mount.version };
}

/**
 * Reads what the cgroup holds now; undefined when the cgroup is gone from the cpu hierarchy. Files a
 * hierarchy does not have (v2 without the controller enabled) are simply absent from the result.
 */
export function readCgroupAllocationFiles(
  layout: CgroupLayout,
  cgroupPath: string,
): CgroupAllocationFiles | undefined {
  const cpu = controllerDir(layout, "cpu", cgroupPath);
  const cpuset = controllerDir(layout, "cpuset", cgroupPath);
  const read = (dir: string | undefined, name: string) =>
    dir === undefined ? undefined : readUnlessGone(`${dir}/${name}`);
  const int = (dir: string | undefined, name: string) => {
    const text = read(dir, name);
    return text === undefined ? undefined : parseSingleInteger(text, `${dir}/${name}`);
  };
  if (cpu !== undefined && !exists(cpu.dir)) return undefined;
  const out: {
    -readonly [K in keyof CgroupAllocationFiles]: CgroupAllocationFiles[K];
  } = { version: { cpu: cpu?.version, cpuset: cpuset?.version } };
  if (cpu?.version === 1) {
    const quotaUs = int(cpu.dir, "cpu.cfs_quota_us");
    const periodUs = int(cpu.dir, "cpu.cfs_period_us");
    if (quotaUs !== undefined && periodUs !== undefined) out.cpuLimit = { quotaUs, periodUs };
    out.shares = int(cpu.dir, "cpu.shares");
  } else if (cpu?.version === 2) {
    const max = read(cpu.dir, "cpu.max");
    if (max !== undefined) out.cpuLimit = parseCpuMax(max, `${cpu.dir}/cpu.max`);
    out.weight = int(cpu.dir, "cpu.weight");
    if (out.weight !== undefined) out.shares = weightToShares(out.weight);
  }
  out.cpusetCpus = read(cpuset?.dir, "cpuset.cpus")?.trim();
  out.cpusetMems = read(cpuset?.dir, "cpuset.mems")?.trim();
  if (cpuset?.version === 1) {
    const migrate = int(cpuset.dir, "cpuset.memory_migrate");
    if (migrate !== undefined) out.memoryMigrate = migrate === 1;
  }
  return out;
}

/** A refused cgroup write: the file, the value and the kernel's reason. */
export class CgroupWriteError extends Error {
  override readonly name = "CgroupWriteError";
  readonly path: string;
  readonly value: string;
  readonly errno: string | undefined;

  constructor(path: string, value: string, cause: unknown) {
    super(`writing ${JSON.stringify(value)} to ${path} failed: ${(cause as Error).message}`);
    this.path = path;
    this.value = value;
    this.errno = errnoName(cause);
  }
}

/** One write to a cgroup file, as applied (or, in a dry run, as it would be). */
export interface CgroupWrite {
  readonly path: string;
  readonly value: string;
}

/** Writes `value` in one write() without creating the file (a missing file is an error, not a new file). */
export function writeCgroupFile(write: CgroupWrite): void {
  let file: hostFs.HostWriteFile;
  try {
    // O_TRUNC is ignored by cgroupfs; it matters for the plain files of a test tree.
    file = hostFs.openForWriteSync(write.path, { truncate: true });
  } catch (error) {
    throw new CgroupWriteError(write.path, write.value, error);
  }
  try {
    const bytes = new TextEncoder().encode(write.value);
    const n = file.writeSync(bytes);
    if (n !== bytes.length) throw new Error(`short write (${n} of ${bytes.length} bytes)`);
  } catch (error) {
    throw new CgroupWriteError(write.path, write.value, error);
  } finally {
    file.close();
  }
}

/**
 * The writes that set a CPU limit: v2 one cpu.max line; v1 cfs_quota_us and, when it differs,
 * cfs_period_us. On v1 each write must leave a limit the kernel accepts (a child's quota / period at
 * most its parent's, else EINVAL), so of the two orders the one whose in-between state is the smaller
 * rate goes first: new quota / old period or old quota / new period. Their product is old rate × new
 * rate, so the smaller is never above the larger of the two, both of which the kernel accepts.
 */
export function cpuLimitWrites(
  layout: CgroupLayout,
  cgroupPath: string,
  limit: CpuLimit,
  current?: CpuLimit,
): CgroupWrite[] {
  const cpu = needDir(layout, "cpu", cgroupPath);
  if (cpu.version === 2) return [{ path: `${cpu.dir}/cpu.max`, value: formatCpuMax(limit) }];
  const quota = { path: `${cpu.dir}/cpu.cfs_quota_us`, value: String(limit.quotaUs) };
  if (current?.periodUs === limit.periodUs) return [quota];
  const period = { path: `${cpu.dir}/cpu.cfs_period_us`, value: String(limit.periodUs) };
  return periodFirst(limit, current) ? [period, quota] : [quota, period];
}

/** Whether old quota / new period is the smaller in-between rate (no limit counts as unbounded). */
function periodFirst(limit: CpuLimit, current: CpuLimit | undefined): boolean {
  if (current === undefined || current.quotaUs < 0) return true; // no limit now: any period is accepted
  if (limit.quotaUs < 0) return false; // lift the limit first, then any period is accepted
  return current.quotaUs / limit.periodUs <= limit.quotaUs / current.periodUs;
}

/** v1 cpu.shares, or v2 cpu.weight converted from shares. */
export function sharesWrites(layout: CgroupLayout, cgroupPath: string, shares: number): CgroupWrite[] {
  const cpu = needDir(layout, "cpu", cgroupPath);
  return cpu.version === 1
    ? [{ path: `${cpu.dir}/cpu.shares`, value: String(shares) }]
    : [{ path: `${cpu.dir}/cpu.weight`, value: String(sharesToWeight(shares)) }];
}

export function cpusetWrite(
  layout: CgroupLayout,
  cgroupPath: string,
  file: "cpuset.cpus" | "cpuset.mems",
  list: string,
): CgroupWrite {
  return { path: `${needDir(layout, "cpuset", cgroupPath).dir}/${file}`, value: list };
}

/** v1 cpuset.memory_migrate; cgroup v2 has no such file, so it is refused there with the reason. */
export function memoryMigrateWrite(layout: CgroupLayout, cgroupPath: string, on: boolean): CgroupWrite {
  const cpuset = needDir(layout, "cpuset", cgroupPath);
  if (cpuset.version === 2) {
    throw new Error(
      `cpuset_memory_migrate cannot be set for ${cgroupPath}: cgroup v2 has no cpuset.memory_migrate ` +
        "(v2 does not move pages when cpuset.mems changes; use migrate_pages)",
    );
  }
  return { path: `${cpuset.dir}/cpuset.memory_migrate`, value: on ? "1" : "0" };
}

function needDir(layout: CgroupLayout, controller: "cpu" | "cpuset", cgroupPath: string) {
  const found = controllerDir(layout, controller, cgroupPath);
  if (found === undefined) {
    throw new Error(`the ${controller} controller is mounted neither as cgroup v1 nor as cgroup2`);
  }
  return found;
}

function exists(path: string): boolean {
  try {
    hostFs.statSync(path);
    return true;
  } catch {
    return false;
  }
}
