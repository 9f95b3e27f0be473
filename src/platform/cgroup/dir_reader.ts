/**
 * Reading the interface files of one cgroup directory, telling "this file does not exist here" (absent
 * data: PSI or memory.peak on older kernels) from "the cgroup went away" (the task is gone).
 */
import type { SkipReporter } from "../flat_keyed.ts";
import { errnoName } from "../fs_errors.ts";

/** Thrown inside a measurement pass when a cgroup vanished; caught and turned into a "gone" result. */
export class CgroupGoneSignal extends Error {
  readonly path: string;
  readonly errno: string;

  constructor(path: string, errno: string) {
    super(`cgroup gone: ${path} (${errno})`);
    this.name = "CgroupGoneSignal";
    this.path = path;
    this.errno = errno;
  }
}

export interface DirReader {
  readonly dir: string;
  /** The file's text, or undefined when it does not exist (or is unsupported) in a directory that does. */
  read(name: string): string | undefined;
  /** Told about lines of a file that were skipped as unreadable (e.g. a memory.stat key we cannot parse). */
  readonly onSkip?: SkipReporter;
}

/**
 * A reader of `dir`. For a primary directory (one the task must have), ENODEV/ESRCH or a missing
 * directory throw CgroupGoneSignal; for a secondary one (the cgroup2 side of a hybrid host) they only
 * make the data absent. The directory is checked only after an ENOENT, so the usual pass costs one
 * read per file.
 */
export function dirReader(dir: string, primary: boolean, onSkip?: SkipReporter): DirReader {
  return {
    dir,
    onSkip,
    read(name: string): string | undefined {
      const path = `${dir}/${name}`;
      try {
        return Deno.readTextFileSync(path);
      } catch (error) {
        const errno = errnoName(error);
        if (errno === "ENODEV" || errno === "ESRCH") {
          if (primary) throw new CgroupGoneSignal(path, errno);
          return undefined;
        }
        // Kernels before 6.1 booted with psi=0 keep the pressure files but refuse to read them.
        if (errno === "EOPNOTSUPP") return undefined;
        if (errno !== "ENOENT") throw error;
        if (primary && !directoryExists(dir)) throw new CgroupGoneSignal(dir, errno);
        return undefined;
      }
    },
  };
}

function directoryExists(dir: string): boolean {
  try {
    return Deno.statSync(dir).isDirectory;
  } catch (error) {
    const errno = errnoName(error);
    if (errno === "ENOENT" || errno === "ENODEV") return false;
    throw error;
  }
}
