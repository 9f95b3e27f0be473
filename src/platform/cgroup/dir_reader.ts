/**
 * Reading the interface files of one cgroup directory, telling "this file does not exist here" (absent
 * data: PSI or memory.peak on older kernels) from "the cgroup went away" (the task is gone).
 */
import { ErrnoError } from "../../../ffi/errno.ts";
import type { SkipReporter } from "../flat_keyed.ts";
import { errnoName } from "../fs_errors.ts";
import type { FileShape, OpenFiles } from "../open_files.ts";
import * as hostFs from "../host_fs.ts";

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
        return hostFs.readTextFileSync(path);
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
    return hostFs.statSync(dir).isDirectory;
  } catch (error) {
    const errno = errnoName(error);
    if (errno === "ENOENT" || errno === "ENODEV") return false;
    throw error;
  }
}

/** A pid per line, at most 8 bytes ("4194304\n"); v1's pid lists are stale through a kept-open file. */
const PID_LIST: FileShape = Object.freeze({ recordBytes: 16 });
const V1_PID_LIST: FileShape = Object.freeze({ recordBytes: 16, reopen: true });
const SHAPES: ReadonlyMap<string, FileShape> = new Map([
  ["tasks", V1_PID_LIST],
  // cgroup.procs is a v1 pid list in a v1 directory; reopening costs v2 two calls, never a stale list.
  ["cgroup.procs", V1_PID_LIST],
  ["cgroup.threads", PID_LIST],
]);

/**
 * A reader of `dir` through `files`, the task's kept-open descriptors: the same answers as dirReader,
 * at one pread per file per iteration.
 *
 * A cgroup that was removed answers ENODEV on every descriptor opened in it, including after a cgroup
 * of the same name was created again; so ENODEV closes all of the task's files and the read is tried
 * once more through a fresh open, which finds the new cgroup or reports the task gone. This costs
 * nothing while the cgroup lives (no fstat/stat per iteration to compare inodes).
 *
 * A file that does not exist (ENOENT in a directory that does) or cannot be read (EOPNOTSUPP) is
 * remembered as absent for as long as the task's files stay open: PSI files on a kernel without PSI,
 * a v1-only task's cgroup2 side, memory.peak before Linux 5.19 are probed once per task.
 */
export function openFilesDirReader(
  files: OpenFiles,
  dir: string,
  primary: boolean,
  onSkip?: SkipReporter,
): DirReader {
  return {
    dir,
    onSkip,
    read(name: string): string | undefined {
      const path = `${dir}/${name}`;
      const shape = SHAPES.get(name);
      for (let attempt = 0;; attempt++) {
        try {
          return files.read(path, shape);
        } catch (error) {
          if (!(error instanceof ErrnoError)) throw error;
          const errno = error.code;
          if (errno === "ENODEV" || errno === "ESRCH") {
            files.closeAll();
            if (attempt === 0) continue;
            if (primary) throw new CgroupGoneSignal(path, errno);
            return undefined;
          }
          if (errno === "EOPNOTSUPP") {
            files.markAbsent(path);
            return undefined;
          }
          if (errno !== "ENOENT") throw error;
          if (primary && !directoryExists(dir)) throw new CgroupGoneSignal(dir, errno);
          files.markAbsent(path);
          return undefined;
        }
      }
    },
  };
}
