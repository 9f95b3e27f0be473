/**
 * The Kafka consumer's idea of "the latest message": the latest complete batch. KafkaStorage splits a large
 * batch into parts (headers `wca-batch: ID`, `wca-part: i/n`); the parts are joined again, and a family split
 * between two parts loses its repeated HELP/TYPE lines, so the result is the batch's text. A message without
 * those headers (the original WCA's, kcat's) is a batch on its own, with a line end added when its last
 * line has none. Text that is not Prometheus text is refused, so the last good batch stays served. Pure.
 */
import { escapeControl, type Logger } from "../logging/mod.ts";
import { expositionProblem } from "../metrics/text_check.ts";

/**
 * Why `text` is not Prometheus text (the first bad line, by the strict parser in metrics/text_check.ts,
 * so what is served parses with promtool and Prometheus), or undefined when it is.
 */
export function textProblem(text: string): string | undefined {
  if (!text.trim()) return "it is empty";
  const problem = expositionProblem(text);
  return problem === undefined ? undefined : `not Prometheus text: ${problem}`;
}

function familyOf(line: string | undefined): string | undefined {
  if (!line) return undefined;
  const comment = /^# (?:HELP|TYPE) (\S+)/.exec(line);
  if (comment) return comment[1];
  return /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line)?.[1];
}

/** Joins a batch's parts; a family continued from the previous part drops its repeated comment lines. */
export function joinParts(parts: readonly string[]): string {
  let out = "";
  for (const part of parts) {
    if (!out) {
      out = part;
      continue;
    }
    const previous = out.trimEnd().split("\n");
    const lines = part.split("\n");
    if (familyOf(previous.at(-1)) === familyOf(lines[0])) {
      out = out.trimEnd() + "\n" + lines.filter((line) => !line.startsWith("#")).join("\n");
    } else {
      out = out.trimEnd() + "\n\n" + part;
    }
  }
  return out.endsWith("\n") ? out : out + "\n";
}

export interface Part {
  readonly text: string;
  readonly headers: Readonly<Record<string, string>>;
}

export type Fed =
  | { readonly kind: "batch"; readonly text: string }
  | { readonly kind: "partial" }
  | { readonly kind: "refused"; readonly reason: string };

/** Batches being put together, a few at a time (parts of abandoned batches do not pile up). */
export class BatchAssembler {
  readonly #pending = new Map<string, (string | undefined)[]>();
  readonly #maxPending: number;

  constructor(maxPending = 8) {
    this.#maxPending = maxPending;
  }

  feed(part: Part): Fed {
    const id = part.headers["wca-batch"];
    const position = /^(\d+)\/(\d+)$/.exec(part.headers["wca-part"] ?? "");
    if (id === undefined || !position) return this.#checked(part.text);
    const index = Number(position[1]) - 1;
    const count = Number(position[2]);
    if (count === 1) return this.#checked(part.text);
    if (index < 0 || index >= count || count > 100_000) {
      return { kind: "refused", reason: `bad wca-part header ${part.headers["wca-part"]}` };
    }
    let parts = this.#pending.get(id);
    if (!parts) {
      parts = new Array(count).fill(undefined);
      this.#pending.set(id, parts);
      while (this.#pending.size > this.#maxPending) this.#pending.delete(this.#pending.keys().next().value!);
    }
    parts[index] = part.text;
    if (parts.some((p) => p === undefined)) return { kind: "partial" };
    this.#pending.delete(id);
    return this.#checked(joinParts(parts as string[]));
  }

  #checked(message: string): Fed {
    const text = message.endsWith("\n") || message === "" ? message : message + "\n";
    const problem = textProblem(text);
    return problem ? { kind: "refused", reason: problem } : { kind: "batch", text };
  }
}

/**
 * Refused messages are news once per streak: the first one is logged with its partition, offset and
 * reason, later ones at debug, and the next good batch ends the streak with one line and the count.
 */
export class RefusalStreak {
  readonly #log: Pick<Logger, "warning" | "info" | "debug">;
  #refused = 0;

  constructor(log: Pick<Logger, "warning" | "info" | "debug">) {
    this.#log = log;
  }

  refused(where: string, reason: string): void {
    const line = escapeControl(`${where}: refused, ${reason}; keeping the last good batch`);
    if (this.#refused++ > 0) return this.#log.debug(line);
    this.#log.warning(`${line} (further refusals are not logged until a good batch comes)`);
  }

  good(where: string): void {
    if (this.#refused === 0) return;
    this.#log.info(`${where}: serving a good batch again, after ${this.#refused} refused message(s)`);
    this.#refused = 0;
  }
}
