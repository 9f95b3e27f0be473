/**
 * LogStorage: prints every batch in the Prometheus text format to stderr or to a file.
 *
 * Parameters match the original WCA. With `overwrite: true` each batch replaces the file atomically
 * (temporary file in the same directory, then rename), so a reader such as node_exporter's textfile
 * collector sees either the previous batch or the new one, never a half-written file.
 *
 * The constructor checks that the file can be written (so a wrong path stops the agent at start, at the
 * config position of output_filename). A write that fails later is logged once per cause, counted in
 * wca_storage_write_errors_total, and retried with the next batch.
 */
import { dirname, join, resolve } from "node:path";
import type { Storage } from "../components/interfaces.ts";
import type { ComponentContext } from "../components/component.ts";
import { FieldError } from "../config/errors.ts";
import { boolean, listOf, params, path, text, type z } from "../config/schema.ts";
import { escapeControl, getLogger } from "../logging/mod.ts";
import { type Labels, type Metric, metric } from "../metrics/metric.ts";
import { MetricsEncoder } from "../metrics/prometheus.ts";
import { outputFileProblem, type StorageLog, WriteFailures } from "./output_file.ts";

const schema = params({
  output_filename: path().optional().describe(
    "File to write the metrics to (a relative path is resolved against the working directory); absent: standard error.",
  ),
  overwrite: boolean().default(false).describe(
    "Replace the file with each batch (atomically) instead of appending; for node_exporter's textfile " +
      "collector, use a name ending in .prom.",
  ),
  include_timestamp: boolean().optional().describe(
    "Print a millisecond timestamp after each value; default: true when appending, false with overwrite " +
      "(node_exporter's textfile collector rejects timestamps).",
  ),
  filter_labels: listOf(text(256), 1000).optional().describe(
    "Label names removed from every metric before printing (e.g. high-cardinality task labels). Removing " +
      "a label that tells series apart makes them duplicates, and the batch is refused.",
  ),
}).superRefine((value, ctx) => {
  if (value.overwrite && value.output_filename === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["overwrite"],
      message:
        "expected output_filename to be set when overwrite is true (standard error cannot be replaced)",
    });
  }
});

export type LogStorageParams = z.input<typeof schema>;

/** Seams for tests: where stderr text goes, what time it is, where failures are reported. */
export interface LogStorageIo {
  writeStderr?: (text: string) => void;
  /** Whether standard error is a terminal; default: asked of Deno.stderr. */
  terminal?: boolean;
  now?: () => number;
  log?: StorageLog;
}

/**
 * The metrics without the named labels; metrics that lose nothing are passed through unchanged. With
 * `known`, a frozen labels object (a task's, kept by the runner while its labels do not change) gives the
 * same frozen filtered object every batch, so the encoder keeps that label text as it keeps unfiltered.
 */
export function dropLabels(
  metrics: readonly Metric[],
  names: readonly string[],
  known?: WeakMap<Labels, Labels>,
): readonly Metric[] {
  if (names.length === 0) return metrics;
  return metrics.map((metric) => {
    const labels = metric.labels;
    if (!names.some((name) => Object.hasOwn(labels, name))) return metric;
    let dropped = known?.get(labels);
    if (dropped === undefined) {
      const copy: Record<string, string> = { ...labels };
      for (const name of names) delete copy[name];
      dropped = Object.freeze(copy);
      if (Object.isFrozen(labels)) known?.set(labels, dropped);
    }
    return { ...metric, labels: dropped };
  });
}

/** A temporary name next to `path` that no glob for `*.prom` matches and no other writer picks. */
function temporaryName(path: string): string {
  const random = crypto.getRandomValues(new Uint32Array(1))[0]!.toString(16);
  return join(dirname(path), `.${path.slice(dirname(path).length + 1)}.${Deno.pid}.${random}.tmp`);
}

/** Writes `data` to `path` via a temporary file and a rename; removes the temporary file on failure. */
export async function replaceFileAtomically(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = temporaryName(path);
  const options = { createNew: true, mode: 0o644 };
  try {
    if (typeof data === "string") await Deno.writeTextFile(temporary, data, options);
    else await Deno.writeFile(temporary, data, options);
    await Deno.rename(temporary, path);
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
}

function isTerminal(): boolean {
  try {
    return Deno.stderr.isTerminal();
  } catch {
    return false;
  }
}

/** The text with each line's control characters escaped (escapeControl), the line breaks kept. */
export function escapeForTerminal(bytes: Uint8Array): Uint8Array {
  const text = new TextDecoder().decode(bytes);
  return new TextEncoder().encode(text.split("\n").map(escapeControl).join("\n"));
}

function writeAllStderr(bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += Deno.stderr.writeSync(bytes.subarray(written));
}

export class LogStorage implements Storage {
  static readonly schema = schema;
  static readonly description = "Prints metrics in the Prometheus text format to standard error or a file.";

  readonly #path: string | undefined;
  readonly #overwrite: boolean;
  readonly #timestamps: boolean;
  readonly #filterLabels: readonly string[];
  /** Filtered labels by the task's frozen labels object (dropLabels). */
  readonly #filtered = new WeakMap<Labels, Labels>();
  readonly #writeStderr: (bytes: Uint8Array) => void;
  /** One per storage: it remembers each task's label text and reuses its output buffer. */
  readonly #encoder = new MetricsEncoder();
  readonly #now: () => number;
  readonly #failures: WriteFailures;

  /** Throws FieldError (reported at output_filename) when the file cannot be written. */
  constructor(params: LogStorageParams = {}, _context?: ComponentContext, io: LogStorageIo = {}) {
    const parsed = schema.parse(params);
    // Resolved once: a relative name keeps meaning the file in the directory the agent started in.
    this.#path = parsed.output_filename === undefined ? undefined : resolve(parsed.output_filename);
    if (this.#path !== undefined) {
      const problem = outputFileProblem(this.#path, parsed.overwrite);
      if (problem) throw new FieldError("output_filename", problem);
    }
    this.#failures = new WriteFailures(
      this.#path ?? "standard error",
      io.log ?? getLogger("wca.storage.log"),
    );
    this.#overwrite = parsed.overwrite;
    this.#timestamps = parsed.include_timestamp ?? !parsed.overwrite;
    this.#filterLabels = Object.freeze([...(parsed.filter_labels ?? [])]);
    const seam = io.writeStderr;
    const write = seam ? (bytes: Uint8Array) => seam(new TextDecoder().decode(bytes)) : writeAllStderr;
    // A label value is whatever a cgroup was named: on a terminal, an escape sequence in it would act on
    // the operator's screen, so there control characters are shown as escapes. A pipe or a file gets
    // the exact text format (it has no escapes for them, and its readers need none).
    const terminal = io.terminal ?? (seam === undefined && isTerminal());
    this.#writeStderr = terminal ? (bytes) => write(escapeForTerminal(bytes)) : write;
    this.#now = io.now ?? Date.now;
  }

  /**
   * Encodes the whole batch first (an invalid batch throws before anything is written), then writes it
   * as one buffer. A failed write does not throw: it is counted and logged once per cause (see
   * WriteFailures), and the next call writes its batch in full.
   */
  async store(metrics: readonly Metric[]): Promise<void> {
    const batch = this.#encoder.prepare(dropLabels(metrics, this.#filterLabels, this.#filtered));
    const output = this.#encoder.render(batch, {
      timestamps: this.#timestamps,
      now: this.#now(),
      // Appended batches are separated by a blank line, as families are; a replaced file needs none.
      blankLineAfter: !this.#overwrite,
    });
    try {
      if (this.#path === undefined) {
        if (output.length > 0) this.#writeStderr(output);
      } else if (this.#overwrite) await replaceFileAtomically(this.#path, output);
      else if (output.length > 0) await Deno.writeFile(this.#path, output, { append: true, create: true });
    } catch (error) {
      this.#failures.failed(error);
      return;
    }
    this.#failures.succeeded();
  }

  /** wca_storage_write_errors_total for this output; the runner adds it to the next batch. */
  healthMetrics(): Metric[] {
    return [
      metric("wca_storage_write_errors_total", this.#failures.total, {
        storage: "LogStorage",
        output: this.#path ?? "stderr",
      }),
    ];
  }

  /** Nothing to release: the file is opened per batch, so rotation and deletion are harmless. */
  close(): void {}
}
