/**
 * Cgroup mount discovery from /proc/self/mountinfo.
 *
 * Never assume a layout: v1 controllers may be mounted one per hierarchy (cpu and cpuacct apart) or
 * co-mounted (`cpu,cpuacct`), the host may be pure cgroup2, or hybrid (v1 controllers plus an empty
 * cgroup2 at /sys/fs/cgroup/unified).
 */
import { defaultHostPaths, type HostPaths, mapHostPath } from "../host_paths.ts";
import { linesOf, PlatformParseError, toInteger } from "../parse.ts";
import * as hostFs from "../host_fs.ts";

/** One line of mountinfo (proc(5)); escaped fields are decoded. */
export interface MountinfoEntry {
  readonly mountId: number;
  readonly parentId: number;
  readonly majorMinor: string;
  /** The directory of the filesystem that is the root of this mount (a cgroup namespace root). */
  readonly root: string;
  readonly mountPoint: string;
  readonly mountOptions: readonly string[];
  readonly optionalFields: readonly string[];
  readonly fsType: string;
  readonly source: string;
  readonly superOptions: readonly string[];
}

export type CgroupMode = "v1" | "v2" | "hybrid";

export interface CgroupMount {
  readonly version: 1 | 2;
  /** Where the agent finds the hierarchy: the host mount point mapped onto HostPaths.cgroup. */
  readonly mountPoint: string;
  /** The mount point as the host kernel reports it. */
  readonly hostMountPoint: string;
  readonly root: string;
  /** v1: controllers of the hierarchy (named hierarchies as "name=systemd"); v2: empty. */
  readonly controllers: readonly string[];
}

export interface CgroupLayout {
  readonly mode: CgroupMode;
  /** v1 hierarchies by controller: with `cpu,cpuacct` co-mounted both keys share one mount. */
  readonly v1: ReadonlyMap<string, CgroupMount>;
  /** The cgroup2 hierarchy, if mounted. */
  readonly unified: CgroupMount | undefined;
}

/** v1 super options that are not controllers; anything with "=" other than name= is an option too. */
const V1_OPTIONS: ReadonlySet<string> = new Set([
  "rw",
  "ro",
  "none",
  "noprefix",
  "clone_children",
  "xattr",
  "cpuset_v2_mode",
  "favordynmods",
]);

/** Decodes the octal escapes mountinfo uses for space, tab, newline and backslash (`\040`). */
export function unescapeMountinfo(field: string): string {
  // A fresh /g regex per call: a shared one would carry lastIndex state between calls.
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** Parses every line of mountinfo. */
export function parseMountinfo(text: string, source = "self/mountinfo"): MountinfoEntry[] {
  const entries: MountinfoEntry[] = [];
  const lines = linesOf(text);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    const fields = line.split(" ");
    const separator = fields.indexOf("-", 6);
    if (separator < 0 || fields.length < separator + 4) {
      throw new PlatformParseError(
        source,
        i + 1,
        `expected "id parent maj:min root point opts … - type source superopts"`,
      );
    }
    entries.push(Object.freeze({
      mountId: toInteger(fields[0], source, i + 1, "mount id"),
      parentId: toInteger(fields[1], source, i + 1, "parent id"),
      majorMinor: fields[2]!,
      root: unescapeMountinfo(fields[3]!),
      mountPoint: unescapeMountinfo(fields[4]!),
      mountOptions: Object.freeze(fields[5]!.split(",")),
      optionalFields: Object.freeze(fields.slice(6, separator)),
      fsType: fields[separator + 1]!,
      source: unescapeMountinfo(fields[separator + 2]!),
      superOptions: Object.freeze(fields.slice(separator + 3).join(" ").split(",")),
    }));
  }
  return entries;
}

/**
 * Finds the cgroup hierarchies among mountinfo entries. Mount points under the default cgroup root are
 * mapped onto `paths.cgroup`, so a fixture tree's mountinfo resolves inside the fixture. When a hierarchy
 * is mounted twice the mount under the cgroup root wins (see prefer), else the first one listed.
 */
export function discoverCgroupMounts(
  entries: readonly MountinfoEntry[],
  paths: HostPaths = defaultHostPaths(),
): CgroupLayout {
  const v1 = new Map<string, CgroupMount>();
  let unified: CgroupMount | undefined;
  for (const entry of entries) {
    if (entry.fsType !== "cgroup" && entry.fsType !== "cgroup2") continue;
    const version = entry.fsType === "cgroup2" ? 2 : 1;
    const controllers = version === 1 ? v1Controllers(entry.superOptions) : [];
    const mount: CgroupMount = Object.freeze({
      version,
      mountPoint: mapHostPath(entry.mountPoint, paths),
      hostMountPoint: entry.mountPoint,
      root: entry.root,
      controllers: Object.freeze(controllers),
    });
    if (version === 2) {
      if (unified === undefined || prefer(mount, unified, paths)) unified = mount;
      continue;
    }
    for (const controller of controllers) {
      const known = v1.get(controller);
      if (known === undefined || prefer(mount, known, paths)) v1.set(controller, mount);
    }
  }
  if (v1.size === 0 && unified === undefined) throw new Error("mountinfo lists no cgroup or cgroup2 mount");
  const mode: CgroupMode = v1.size === 0 ? "v2" : unified === undefined ? "v1" : "hybrid";
  return Object.freeze({ mode, v1, unified });
}

/** Reads `<proc>/self/mountinfo` and discovers the cgroup layout. */
export function readCgroupLayout(paths: HostPaths): CgroupLayout {
  const path = `${paths.proc}/self/mountinfo`;
  return discoverCgroupMounts(parseMountinfo(hostFs.readTextFileSync(path), path), paths);
}

/**
 * The hierarchy serving a controller: its v1 mount if it has one, else the cgroup2 mount (in hybrid
 * mode a controller not bound to v1 can only be in v2), else undefined.
 */
export function controllerMount(layout: CgroupLayout, controller: string): CgroupMount | undefined {
  return layout.v1.get(controller) ?? layout.unified;
}

function v1Controllers(superOptions: readonly string[]): string[] {
  return superOptions.filter((option) =>
    option.startsWith("name=") || (!V1_OPTIONS.has(option) && !option.includes("="))
  );
}

/** Whether `candidate` should replace `known`: only a mount under the cgroup root beats the first one. */
/**
 * A mount really at the configured cgroup root (the host's tree under --host-root) beats one that only
 * maps onto it (the container's own /sys/fs/cgroup), which beats any other.
 */
function prefer(candidate: CgroupMount, known: CgroupMount, paths: HostPaths): boolean {
  const under = (m: CgroupMount, root: string) =>
    m.hostMountPoint === root || m.hostMountPoint.startsWith(root + "/");
  const rank = (m: CgroupMount) => under(m, paths.cgroup) ? 2 : under(m, defaultHostPaths().cgroup) ? 1 : 0;
  return rank(candidate) > rank(known);
}
