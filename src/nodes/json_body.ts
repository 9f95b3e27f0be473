/**
 * An HTTP answer's JSON body, read as its chunks arrive. Anything larger than WHOLE_BELOW (64 KiB: an
 * empty PodList, an error body) is streamed through JsonItems, so memory follows one list element, not
 * the answer: parsing a kubelet's 0.8 MB answer whole every second kept the agent's RSS about 30 MiB
 * higher (garbage that outlives the young generation), for 2 ms less CPU. Smaller answers are parsed at
 * once. Either way a list's elements go to `each` and the envelope is returned (see JsonItems). Pure.
 */
import { handOver, JsonItems, JsonSyntaxError } from "./json_items.ts";

/** Answers smaller than this are parsed at once; larger ones are streamed. */
export const WHOLE_BELOW = 64 * 1024;
/** Characters of the body kept for messages. */
export const HEAD_CHARS = 200;

export interface JsonBodyOptions {
  readonly items?: { readonly path: readonly string[]; readonly each: (item: unknown) => void };
  /** Largest list element, in characters (streamed answers). */
  readonly maxItemChars: number;
  /** False for an error status: only the head is kept, for the message. */
  readonly parse: boolean;
}

export class JsonBody {
  readonly #options: JsonBodyOptions;
  readonly #decoder = new TextDecoder();
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #stream: JsonItems | undefined;
  #head = "";
  #broken: JsonSyntaxError | undefined;

  constructor(options: JsonBodyOptions) {
    this.#options = options;
  }

  /** The body's first characters, for messages. */
  get head(): string {
    return this.#head;
  }

  /** One more chunk. Throws what `each` throws. */
  push(chunk: Uint8Array): void {
    if (this.#stream === undefined && this.#options.parse) {
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
      if (this.#buffered < WHOLE_BELOW) return;
      // Too large to parse at once: stream from here on, starting with what is buffered.
      this.#stream = new JsonItems({ ...this.#options.items, maxItemChars: this.#options.maxItemChars });
      const buffered = this.#chunks;
      this.#chunks = [];
      for (const piece of buffered) this.#write(this.#decoder.decode(piece, { stream: true }));
      return;
    }
    this.#write(this.#decoder.decode(chunk, { stream: true }));
  }

  /** The document (the envelope when items are handed over). Throws JsonSyntaxError, or what `each` throws. */
  end(): unknown {
    if (!this.#options.parse) {
      this.#write(this.#decoder.decode());
      return undefined;
    }
    if (this.#stream === undefined) {
      const text = this.#decoder.decode(concat(this.#chunks, this.#buffered));
      this.#chunks = [];
      this.#head = text.slice(0, HEAD_CHARS + 1);
      let document: unknown;
      try {
        document = JSON.parse(text);
      } catch (error) {
        throw new JsonSyntaxError((error as Error).message);
      }
      const items = this.#options.items;
      return items === undefined ? document : handOver(document, items.path, items.each);
    }
    this.#write(this.#decoder.decode());
    if (this.#broken) throw this.#broken;
    return this.#stream.end();
  }

  #write(text: string): void {
    if (this.#head.length <= HEAD_CHARS) this.#head += text.slice(0, HEAD_CHARS + 1 - this.#head.length);
    if (this.#stream === undefined || this.#broken) return;
    try {
      this.#stream.write(text);
    } catch (error) {
      if (!(error instanceof JsonSyntaxError)) throw error;
      // Read on (for the size limit), but parse no further.
      this.#broken = error;
    }
  }
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
