/**
 * One growing byte buffer the encoder writes a batch into, kept between batches: encoding a batch leaves
 * no strings or chunks behind for the garbage collector, and the output is one buffer to write.
 */
export class ByteSink {
  #buffer: Uint8Array<ArrayBuffer>;
  #length = 0;
  readonly #utf8 = new TextEncoder();

  constructor(initialBytes = 64 * 1024) {
    this.#buffer = new Uint8Array(initialBytes);
  }

  reset(): void {
    this.#length = 0;
  }

  /** The bytes written since reset(); a view, valid until the next write or reset. */
  view(): Uint8Array<ArrayBuffer> {
    return this.#buffer.subarray(0, this.#length);
  }

  /** A string known to be ASCII (validated names, numbers, keywords): one byte per character. */
  ascii(text: string): void {
    this.#reserve(text.length);
    const buffer = this.#buffer;
    let at = this.#length;
    for (let i = 0; i < text.length; i++) buffer[at++] = text.charCodeAt(i);
    this.#length = at;
  }

  /** Any string, as UTF-8. */
  text(text: string): void {
    this.#reserve(text.length * 3);
    this.#length += this.#utf8.encodeInto(text, this.#buffer.subarray(this.#length)).written;
  }

  bytes(bytes: Uint8Array): void {
    this.#reserve(bytes.length);
    this.#buffer.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  byte(code: number): void {
    this.#reserve(1);
    this.#buffer[this.#length++] = code;
  }

  #reserve(bytes: number): void {
    if (this.#length + bytes <= this.#buffer.length) return;
    const grown = new Uint8Array(Math.max(this.#buffer.length * 2, this.#length + bytes));
    grown.set(this.#buffer.subarray(0, this.#length));
    this.#buffer = grown;
  }
}
