/**
 * Where the host's kernel filesystems are visible to the agent.
 *
 * This is the only file under src/ that spells out /proc, /sys, /sys/fs/cgroup and /sys/fs/resctrl:
 * every reader takes a HostPaths, so tests point readers at fixture trees and a containerised agent
 * can point them at the host's filesystems mounted elsewhere.
 */

export interface HostPaths {
  /** procfs, normally /proc. */
  readonly proc: string;
  /** sysfs, normally /sys. */
  readonly sys: string;
  /** The cgroup root (tmpfs with v1 hierarchies, or the cgroup2 mount), normally /sys/fs/cgroup. */
  readonly cgroup: string;
  /** The resctrl filesystem, normally /sys/fs/resctrl. */
  readonly resctrl: string;
}

/** The paths of a host agent looking at its own kernel. */
export function defaultHostPaths(): HostPaths {
  return Object.freeze({
    proc: "/proc",
    sys: "/sys",
    cgroup: "/sys/fs/cgroup",
    resctrl: "/sys/fs/resctrl",
  });
}

/** The default layout re-rooted under `root`, e.g. a fixture tree `tests/fixtures/hosts/v2_unified`. */
export function hostPathsUnder(root: string): HostPaths {
  const base = root.endsWith("/") && root.length > 1 ? root.slice(0, -1) : root;
  const prefix = base === "/" ? "" : base;
  const d = defaultHostPaths();
  return Object.freeze({
    proc: prefix + d.proc,
    sys: prefix + d.sys,
    cgroup: prefix + d.cgroup,
    resctrl: prefix + d.resctrl,
  });
}

/**
 * Maps a path as the host kernel names it (e.g. a mount point from mountinfo) onto `paths`.
 * Paths under one of the default roots are re-rooted onto the matching root of `paths`; the most
 * specific root wins (/sys/fs/cgroup before /sys). Other paths are returned unchanged.
 */
export function mapHostPath(hostPath: string, paths: HostPaths): string {
  const d = defaultHostPaths();
  const pairs: ReadonlyArray<readonly [string, string]> = [
    [d.cgroup, paths.cgroup],
    [d.resctrl, paths.resctrl],
    [d.proc, paths.proc],
    [d.sys, paths.sys],
  ];
  for (const [from, to] of pairs) {
    if (hostPath === from) return to;
    if (hostPath.startsWith(from + "/")) return to + hostPath.slice(from.length);
  }
  return hostPath;
}
