/**
 * The host as the agent measures it: kernel files under explicit roots (HostPaths), pure parsers beside
 * thin synchronous readers.
 *
 * Readers are synchronous on purpose: these are in-memory kernel files, and a sync read costs ~5 µs
 * against ~75 µs for Deno's async read (measured on a 2-CPU VM), which matters at tasks × files per
 * iteration.
 */
export { defaultHostPaths, type HostPaths, hostPathsUnder, mapHostPath } from "./host_paths.ts";
export { errnoName, isGoneError, isNotFound } from "./fs_errors.ts";
export { formatListFormat, parseListFormat } from "./list_format.ts";
export { fromPythonSyntax, groupCount, matchAtStart } from "./regexp.ts";
export { parseFlatKeyed, type SkipReporter } from "./flat_keyed.ts";
export { PlatformParseError } from "./parse.ts";
export { buildTopology, readTopology, type Topology } from "./topology.ts";
export * from "./procfs/mod.ts";
export * from "./sysfs/mod.ts";
export * from "./cgroup/mod.ts";
export * from "./resctrl/mod.ts";
