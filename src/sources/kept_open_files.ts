/**
 * The kernel files the runner reads every iteration, kept open (src/platform/open_files.ts): the
 * platform's /proc and /sys files, and every task's cgroup files, opened when a task is first measured
 * and closed when the node stops listing it, when its cgroup is gone, when it can no longer be read,
 * and at shutdown.
 */
import type { Task } from "../components/interfaces.ts";
import { ErrnoError } from "../../ffi/errno.ts";
import { getLogger } from "../logging/mod.ts";
import type { HostPaths } from "../platform/host_paths.ts";
import { readMaxOpenFiles } from "../platform/procfs/mod.ts";
import {
  type CgroupLayout,
  type CgroupReadOptions,
  type CgroupReadResult,
  readCgroupMeasurements,
} from "../platform/cgroup/mod.ts";
import { Libc } from "../../ffi/libc.ts";
import {
  type FileCalls,
  OpenFiles,
  openFilesReader,
  ReadBuffer,
  type ReadText,
} from "../platform/open_files.ts";

const log = getLogger("wca.sources.files");

interface Held {
  readonly cgroupPath: string;
  readonly files: OpenFiles;
}

/** Thrown when the process has no descriptors left: the task is skipped, the agent goes on. */
export class OutOfDescriptors extends Error {
  override readonly name = "OutOfDescriptors";
}

/**
 * Every task's cgroup files. All tasks share one read buffer. Past `maxOpen` descriptors, tasks not yet
 * holding files are read with open, read and close each time (measured, at the old cost) rather than
 * taking the descriptors perf counters, sockets and the storage need.
 */
export class TaskCgroupFiles {
  readonly #calls: FileCalls;
  readonly #maxOpen: number;
  readonly #buffer = new ReadBuffer();
  readonly #held = new Map<string, Held>();
  #open = 0;
  #warnedFull = false;

  constructor(calls: FileCalls, { maxOpen = Infinity }: { maxOpen?: number } = {}) {
    this.#calls = calls;
    this.#maxOpen = maxOpen;
  }

  /** Descriptors held for all tasks. */
  get openCount(): number {
    return this.#open;
  }

  /** Closes the files of tasks that are no longer listed. */
  sync(tasks: readonly Task[]): void {
    if (this.#held.size === 0) return;
    const listed = new Set<string>();
    for (const task of tasks) listed.add(task.task_id);
    for (const [id, held] of this.#held) {
      if (!listed.has(id)) this.#drop(id, held);
    }
  }

  /**
   * Reads one task's cgroup measurements through its kept-open files. A task whose cgroup path changed
   * starts afresh; a gone or unreadable one gives its files back (the next read probes again).
   */
  read(layout: CgroupLayout, task: Task, options: CgroupReadOptions = {}): CgroupReadResult {
    const id = task.task_id;
    let held = this.#held.get(id);
    if (held !== undefined && held.cgroupPath !== task.cgroup_path) {
      this.#drop(id, held);
      held = undefined;
    }
    if (held === undefined) {
      if (this.#open >= this.#maxOpen) return this.#readWithoutKeeping(layout, task, options);
      held = { cgroupPath: task.cgroup_path, files: new OpenFiles(this.#calls, this.#buffer) };
      this.#held.set(id, held);
    }
    const opened = held.files.openCount;
    let result: CgroupReadResult;
    try {
      result = readCgroupMeasurements(layout, task.cgroup_path, { ...options, files: held.files });
      this.#open += held.files.openCount - opened;
    } catch (error) {
      this.#open += held.files.openCount - opened;
      this.#drop(id, held);
      if (error instanceof ErrnoError && (error.code === "EMFILE" || error.code === "ENFILE")) {
        throw new OutOfDescriptors(
          `out of file descriptors (${error.message}) with ${this.openCount} cgroup files open for ` +
            `${this.#held.size} tasks: raise the agent's open-file limit (systemd LimitNOFILE, see ` +
            `docs/operations.md); this task is skipped until descriptors are free`,
        );
      }
      throw error;
    }
    if (result.kind === "gone") this.#drop(id, held);
    return result;
  }

  /** Closes every task's files. Safe to call twice. */
  close(): void {
    for (const [id, held] of this.#held) this.#drop(id, held);
  }

  #readWithoutKeeping(layout: CgroupLayout, task: Task, options: CgroupReadOptions): CgroupReadResult {
    if (!this.#warnedFull) {
      this.#warnedFull = true;
      log.warning(
        `${this.#open} cgroup files kept open, the most this agent's open-file limit allows; further ` +
          `tasks are read with open, read and close every iteration (raise LimitNOFILE, see docs/operations.md)`,
      );
    }
    return readCgroupMeasurements(layout, task.cgroup_path, options);
  }

  #drop(id: string, held: Held): void {
    this.#open -= held.files.openCount;
    held.files.closeAll();
    this.#held.delete(id);
  }
}

/** The platform's and the tasks' kept-open files, over one libc binding that closes with them. */
export class KeptOpenFiles {
  readonly tasks: TaskCgroupFiles;
  /** Reads the platform's files (/proc/stat, meminfo, vmstat, zoneinfo, node files). */
  readonly readPlatform: ReadText;
  readonly #platform: OpenFiles;
  readonly #libc: Libc;

  /**
   * Loads libc; throws when it cannot (no FFI permission), and the caller reads without it. Task files
   * may take half of the process's open-file limit; perf counters, sockets and the storage the rest.
   */
  constructor(paths: HostPaths) {
    const maxOpen = Math.floor(readMaxOpenFiles(paths) / 2);
    this.#libc = new Libc();
    this.tasks = new TaskCgroupFiles(this.#libc, { maxOpen });
    this.#platform = new OpenFiles(this.#libc, new ReadBuffer());
    this.readPlatform = openFilesReader(this.#platform);
  }

  /** Descriptors held now. */
  get openCount(): number {
    return this.tasks.openCount + this.#platform.openCount;
  }

  close(): void {
    this.tasks.close();
    this.#platform.closeAll();
    this.#libc.unload();
  }
}
