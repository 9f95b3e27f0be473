/**
 * The file side of LogStorage: what is wrong with an output path before the first write, and reporting
 * writes that fail later once per cause rather than once per batch.
 */
import { dirname, join, resolve } from "node:path";

/** "No such file or directory" from Deno's "No such file or directory (os error 2): open '/x'". */
export function osReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const os = /^(.*?) \(os error \d+\)/.exec(error.message);
  return os ? os[1]! : error.message;
}

/** What tells two failures apart: the OS error code (ENOSPC, ENOENT …), else the error's name and text. */
export function failureCause(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string") return code;
  return error instanceof Error ? `${error.name}: ${osReason(error)}` : String(error);
}

function statOrError(path: string): Deno.FileInfo | Error {
  try {
    return Deno.statSync(path);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Creates and removes a hidden file in `dir`: the one sure test of "can create files here" (root included). */
function probeDirectory(dir: string): Error | undefined {
  const random = crypto.getRandomValues(new Uint32Array(1))[0]!.toString(16);
  const probe = join(dir, `.wca-write-check.${Deno.pid}.${random}.tmp`);
  try {
    Deno.openSync(probe, { write: true, createNew: true, mode: 0o600 }).close();
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
  Deno.removeSync(probe);
  return undefined;
}

/**
 * Why metrics cannot be written to `path`, or undefined when they can. A relative path is taken from
 * the working directory. `overwrite` writes a temporary file beside `path` and renames it, so the
 * directory must take new files; appending needs only the file itself to be writable when it exists.
 */
export function outputFileProblem(path: string, overwrite: boolean): string | undefined {
  const file = resolve(path);
  const dir = dirname(file);
  const info = statOrError(file);
  if (!(info instanceof Error) && info.isDirectory) {
    return `${file} is a directory; expected the name of a file in it (e.g. ${join(file, "wca.prom")})`;
  }
  const dirInfo = statOrError(dir);
  if (dirInfo instanceof Deno.errors.NotFound || dirInfo instanceof Deno.errors.NotADirectory) {
    return `directory ${dir} does not exist; create it or choose another output_filename`;
  }
  if (dirInfo instanceof Error) return `cannot reach directory ${dir}: ${osReason(dirInfo)}`;
  if (!dirInfo.isDirectory) return `${dir} is not a directory`;
  if (info instanceof Error || overwrite) {
    const refused = probeDirectory(dir);
    return refused && `cannot create files in directory ${dir}: ${osReason(refused)}`;
  }
  try {
    Deno.openSync(file, { append: true }).close();
  } catch (error) {
    return `cannot open ${file} for writing: ${osReason(error)}`;
  }
  return undefined;
}

/** Where LogStorage reports; the agent's logger, or a recording one in tests. */
export interface StorageLog {
  error(message: string): void;
  info(message: string): void;
}

/**
 * Counts failed writes and logs each distinct cause once while writes keep failing (a full disk is
 * not reported every second), and the recovery once.
 */
export class WriteFailures {
  readonly #target: string;
  readonly #log: StorageLog;
  readonly #causes = new Set<string>();
  #streak = 0;
  #total = 0;

  /** `target` as the messages name it: a path, or "standard error". */
  constructor(target: string, log: StorageLog) {
    this.#target = target;
    this.#log = log;
  }

  /** Failed writes since start. */
  get total(): number {
    return this.#total;
  }

  failed(error: unknown): void {
    this.#total++;
    this.#streak++;
    const cause = failureCause(error);
    if (this.#causes.has(cause)) return;
    this.#causes.add(cause);
    this.#log.error(
      `cannot write metrics to ${this.#target}: ${osReason(error)} (retrying with every batch; ` +
        `reported again only for another cause)`,
    );
  }

  succeeded(): void {
    if (this.#streak === 0) return;
    const n = this.#streak;
    this.#log.info(`writing metrics to ${this.#target} again after ${n} failed write${n === 1 ? "" : "s"}`);
    this.#streak = 0;
    this.#causes.clear();
  }
}
