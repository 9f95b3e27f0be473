/**
 * Splits a workload's output into lines as it arrives. A line ends at "\n", "\r\n" or a lone "\r"
 * (progress lines that rewrite themselves, as memtier_benchmark prints them, are lines too). A line
 * longer than `maxLineLength` is dropped rather than held without bound, and counted.
 */
export const MAX_LINE_LENGTH = 1 << 20;

export class LineSplitter {
  readonly #max: number;
  #partial = "";
  /** The current line grew past the limit: drop the rest of it up to its end. */
  #skipping = false;
  #dropped = 0;
  /** The last chunk ended in "\r": a "\n" starting the next one belongs to it. */
  #afterCarriageReturn = false;

  constructor(maxLineLength = MAX_LINE_LENGTH) {
    this.#max = maxLineLength;
  }

  /** Lines dropped for being longer than the limit. */
  get dropped(): number {
    return this.#dropped;
  }

  /** The complete lines `text` finishes. */
  push(text: string): string[] {
    const lines: string[] = [];
    if (text === "") return lines;
    let start = 0;
    if (this.#afterCarriageReturn && text.charCodeAt(0) === 10) start = 1;
    this.#afterCarriageReturn = text.charCodeAt(text.length - 1) === 13;
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.#finish(text.slice(start, i), lines);
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
    this.#append(text.slice(start));
    return lines;
  }

  /** The last line when the output ended without a line end (a truncated last line is still a line). */
  end(): string[] {
    const lines: string[] = [];
    if (this.#partial !== "" && !this.#skipping) lines.push(this.#partial);
    this.#partial = "";
    this.#skipping = false;
    return lines;
  }

  #finish(tail: string, lines: string[]): void {
    if (!this.#skipping) {
      const line = this.#partial + tail;
      if (line.length > this.#max) this.#dropped++;
      else lines.push(line);
    }
    this.#partial = "";
    this.#skipping = false;
  }

  #append(tail: string): void {
    if (this.#skipping) return;
    this.#partial += tail;
    if (this.#partial.length > this.#max) {
      this.#partial = "";
      this.#skipping = true;
      this.#dropped++;
    }
  }
}
