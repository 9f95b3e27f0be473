/**
 * `<proc>/cgroups`: the controllers the kernel was built with, the v1 hierarchy each is bound to (0: none,
 * i.e. the controller is available to cgroup2), how many cgroups that hierarchy has, and whether the
 * controller is enabled (`cgroup_disable=` on the kernel command line turns one off).
 */
import type { HostPaths } from "../host_paths.ts";
import { linesOf, PlatformParseError, toInteger } from "../parse.ts";
import * as hostFs from "../host_fs.ts";

export interface ControllerBinding {
  readonly name: string;
  /** The v1 hierarchy id; 0 when the controller is bound to no v1 hierarchy. */
  readonly hierarchy: number;
  readonly numCgroups: number;
  readonly enabled: boolean;
}

/** Parses `<proc>/cgroups`; the header line (`#subsys_name hierarchy num_cgroups enabled`) is skipped. */
export function parseProcCgroups(text: string, source = "cgroups"): Map<string, ControllerBinding> {
  const controllers = new Map<string, ControllerBinding>();
  const lines = linesOf(text);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "" || line.startsWith("#")) continue;
    const fields = line.split(/\s+/);
    if (fields.length < 4) {
      throw new PlatformParseError(
        source,
        i + 1,
        `expected "name hierarchy num_cgroups enabled", got "${line}"`,
      );
    }
    const name = fields[0]!;
    controllers.set(
      name,
      Object.freeze({
        name,
        hierarchy: toInteger(fields[1], source, i + 1, `the hierarchy of ${name}`),
        numCgroups: toInteger(fields[2], source, i + 1, `the cgroup count of ${name}`),
        enabled: toInteger(fields[3], source, i + 1, `the enabled flag of ${name}`) !== 0,
      }),
    );
  }
  return controllers;
}

/** Reads `<proc>/cgroups`; undefined when the kernel has no such file (built without cgroups). */
export function readProcCgroups(paths: HostPaths): Map<string, ControllerBinding> | undefined {
  const path = `${paths.proc}/cgroups`;
  let text: string;
  try {
    text = hostFs.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  return parseProcCgroups(text, path);
}
