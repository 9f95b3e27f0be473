/**
 * The cgroup hierarchy nodes discover tasks in: cpuacct on v1 and hybrid hosts (what we measure CPU
 * from), else cpu, else the unified hierarchy. A cgroup that disappears while we look is "gone", not an
 * error.
 */
import { type CgroupLayout, type CgroupMount, readCgroupLayout } from "../platform/cgroup/mod.ts";
import { isGoneError } from "../platform/fs_errors.ts";
import type { HostPaths } from "../platform/host_paths.ts";
import * as hostFs from "../platform/host_fs.ts";

export class CgroupTree {
  readonly mount: CgroupMount;

  constructor(layout: CgroupLayout) {
    const mount = layout.v1.get("cpuacct") ?? layout.v1.get("cpu") ?? layout.unified;
    if (!mount) {
      throw new Error("no cgroup hierarchy with cpuacct, cpu or cgroup2 is mounted; cannot discover tasks");
    }
    this.mount = mount;
  }

  static fromHost(paths: HostPaths): CgroupTree {
    return new CgroupTree(readCgroupLayout(paths));
  }

  /** The directory of a cgroup path ("/" is the hierarchy's root). */
  dir(cgroupPath: string): string {
    return cgroupPath === "/" ? this.mount.mountPoint : this.mount.mountPoint + cgroupPath;
  }

  exists(cgroupPath: string): boolean {
    try {
      return hostFs.statSync(this.dir(cgroupPath)).isDirectory;
    } catch (error) {
      if (isGoneError(error)) return false;
      throw error;
    }
  }

  /** The processes in the cgroup itself (not its children); undefined when the cgroup is gone. */
  pids(cgroupPath: string): number[] | undefined {
    let text: string;
    try {
      text = hostFs.readTextFileSync(`${this.dir(cgroupPath)}/cgroup.procs`);
    } catch (error) {
      if (isGoneError(error)) return undefined;
      throw error;
    }
    const pids: number[] = [];
    for (const line of text.split("\n")) if (line) pids.push(Number(line));
    return pids;
  }

  /** Names of the child cgroups; empty when the cgroup is gone. */
  children(cgroupPath: string): string[] {
    const names: string[] = [];
    try {
      for (const entry of hostFs.readDirSync(this.dir(cgroupPath))) {
        if (entry.isDirectory) names.push(entry.name);
      }
    } catch (error) {
      if (isGoneError(error)) return [];
      throw error;
    }
    return names.sort();
  }
}

/** Joins cgroup path segments: ("/system.slice", "a.service") → "/system.slice/a.service". */
export function joinCgroupPath(parent: string, child: string): string {
  const left = parent.endsWith("/") ? parent.slice(0, -1) : parent;
  const right = child.startsWith("/") ? child.slice(1) : child;
  return `${left}/${right}`;
}

/** Prometheus label names allow [a-zA-Z0-9_]; orchestrator labels like "app.kubernetes.io/name" do not fit. */
export function sanitizeLabelName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_]/g, "_");
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
}
