/**
 * A JSON document read chunk by chunk, in memory bounded by one list item rather than by the answer.
 * The elements of the array at `path` (a PodList's `items`, GET_STATE's launched tasks) are handed to
 * `each` one at a time as soon as each is complete, and not kept; the rest of the document (the
 * envelope: `kind`, `type` …) is built, except containers off the path, which stay empty. No recursion:
 * nesting is an explicit stack, bounded by MAX_DEPTH. Syntax is checked strictly (RFC 8259) everywhere,
 * skipped parts included (a list element's end is found by its brackets, then JSON.parse checks and
 * builds it), so a document is accepted exactly when JSON.parse would accept it. Pure.
 */

/** Deeper nesting is refused: a pod is about 10 levels deep. */
export const MAX_DEPTH = 512;

export interface JsonItemsOptions {
  /** Keys from the root to the list whose elements go to `each`; absent: the whole document is built. */
  readonly path?: readonly string[];
  /** Called with each element of the list, in order. */
  readonly each?: (item: unknown) => void;
  /** Largest element, in UTF-16 code units of its text. */
  readonly maxItemChars?: number;
}

export class JsonSyntaxError extends Error {
  override readonly name = "JsonSyntaxError";
}

/** What is expected next. */
const enum Expect {
  Value,
  ValueOrClose,
  KeyOrClose,
  Key,
  Colon,
  CommaOrClose,
  End,
}

/** A token that may continue in the next chunk. */
const enum Token {
  None,
  String,
  Number,
  Literal,
}

interface Frame {
  readonly array: boolean;
  /** Built when the container is on the path (or everything is built); undefined when skipped. */
  readonly value: Record<string, unknown> | unknown[] | undefined;
  readonly depth: number;
  key: string | undefined;
}

/** What becomes of a value that starts here. */
const enum Mode {
  /** On the path: built. */
  Build,
  /** Beside the path in a built container: a scalar is kept, a container stays empty. */
  Beside,
  /** An element of the list: its text is captured and parsed when complete. */
  Item,
  /** Inside something skipped or captured: only checked. */
  Skip,
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const LITERALS: Readonly<Record<string, unknown>> = { true: true, false: false, null: null };
/** The characters that end a fast scan through a string's text. */
// deno-lint-ignore no-control-regex
const STRING_STOP = /["\\\u0000-\u001f]/g;
const HEX = /^[0-9a-fA-F]$/;

export class JsonItems {
  readonly #path: readonly string[] | undefined;
  readonly #each: (item: unknown) => void;
  readonly #maxItemChars: number;
  readonly #stack: Frame[] = [];
  #expect = Expect.Value;
  #root: unknown = undefined;
  /** Characters read before the current chunk, for positions in messages. */
  #offset = 0;
  /** The chunk being read. */
  #text = "";
  // The token in progress (it may span chunks).
  #token = Token.None;
  #tokenText = "";
  /** Where the token starts in the current chunk (0 when it began in an earlier one). */
  #tokenStart = 0;
  /** Whether the token's text is needed (keys and values of built containers). */
  #keepToken = false;
  #tokenIsKey = false;
  /** In a string: 0, or 1 after a backslash, or 2..5 while reading \u's hex digits. */
  #escape = 0;
  // The list element being captured.
  #capturing = false;
  #captureDepth = 0;
  /** Where the element starts in the current chunk (0 when it began in an earlier one). */
  #captureStart = 0;
  #captured: string[] = [];
  #capturedChars = 0;
  /** Open brackets of the element being scanned (0: not scanning). */
  #scanDepth = 0;
  #scanString = false;

  constructor(options: JsonItemsOptions = {}) {
    this.#path = options.path;
    this.#each = options.each ?? (() => {});
    this.#maxItemChars = options.maxItemChars ?? Infinity;
  }

  /** Reads the next piece of the document's text. Throws JsonSyntaxError. */
  write(text: string): void {
    this.#text = text;
    this.#tokenStart = 0;
    this.#captureStart = 0;
    const n = text.length;
    let i = this.#token === Token.None ? 0 : this.#continueToken(0);
    while (i < n) {
      if (this.#scanDepth > 0) {
        i = this.#scan(i);
        continue;
      }
      const c = text.charCodeAt(i);
      // Whitespace: space, line feed, carriage return, tab.
      if (c === 32 || c === 10 || c === 13 || c === 9) {
        i++;
        continue;
      }
      switch (this.#expect) {
        case Expect.ValueOrClose:
          i = c === 93 /* ] */ ? this.#close(i, true) : this.#value(i, c);
          break;
        case Expect.Value:
          i = this.#value(i, c);
          break;
        case Expect.KeyOrClose:
          i = c === 125 /* } */ ? this.#close(i, false) : this.#key(i, c);
          break;
        case Expect.Key:
          i = this.#key(i, c);
          break;
        case Expect.Colon:
          if (c !== 58 /* : */) this.#fail(i, "':'");
          this.#expect = Expect.Value;
          i++;
          break;
        case Expect.CommaOrClose: {
          const top = this.#top()!;
          if (c === 44 /* , */) {
            this.#expect = top.array ? Expect.Value : Expect.Key;
            i++;
          } else if (c === (top.array ? 93 : 125)) i = this.#close(i, top.array);
          else this.#fail(i, top.array ? "',' or ']'" : "',' or '}'");
          break;
        }
        default:
          this.#fail(i, "the end of the document");
      }
    }
    if (this.#token !== Token.None && (this.#keepToken || this.#token !== Token.String)) {
      this.#tokenText += text.slice(this.#tokenStart);
    }
    if (this.#capturing) this.#capture(text.slice(this.#captureStart));
    this.#offset += n;
    this.#text = "";
  }

  /** The document once all text is read: the envelope, the list's elements already handed over. */
  end(): unknown {
    // A number at the very end of the text ends with the document.
    if (this.#token === Token.Number || this.#token === Token.Literal) {
      this.#text = " ";
      this.#tokenStart = 0;
      this.#continueToken(0);
      this.#text = "";
    }
    if (this.#expect !== Expect.End || this.#token !== Token.None) {
      throw new JsonSyntaxError(`the document ends early (after ${this.#offset} characters)`);
    }
    return this.#root;
  }

  #top(): Frame | undefined {
    return this.#stack[this.#stack.length - 1];
  }

  /** What becomes of a value that starts now. */
  #mode(): Mode {
    const parent = this.#top();
    if (parent === undefined) return Mode.Build;
    if (parent.value === undefined) return Mode.Skip;
    const path = this.#path;
    if (path === undefined) return Mode.Build;
    if (parent.depth === path.length) return parent.array ? Mode.Item : Mode.Beside;
    return !parent.array && parent.key === path[parent.depth] ? Mode.Build : Mode.Beside;
  }

  #value(i: number, c: number): number {
    const mode = this.#mode();
    if (mode === Mode.Item) {
      this.#capturing = true;
      this.#captureDepth = this.#stack.length;
      this.#captureStart = i;
      this.#captured = [];
      this.#capturedChars = 0;
    }
    if (mode === Mode.Item && (c === 123 /* { */ || c === 91) /* [ */) {
      // A list element: only its end is looked for here; JSON.parse checks and builds it.
      this.#scanDepth = 1;
      return i + 1;
    }
    if (c === 123 /* { */ || c === 91 /* [ */) {
      const array = c === 91;
      if (this.#stack.length >= MAX_DEPTH) {
        throw new JsonSyntaxError(`the document is nested deeper than ${MAX_DEPTH} levels`);
      }
      const built = mode === Mode.Build ? (array ? [] : {}) : undefined;
      // Beside the path a container is kept empty: the envelope keeps its shape, not its contents.
      if (mode === Mode.Build || mode === Mode.Beside) this.#attach(built ?? (array ? [] : {}));
      const parent = this.#top();
      this.#stack.push({ array, value: built, depth: parent ? parent.depth + 1 : 0, key: undefined });
      this.#expect = array ? Expect.ValueOrClose : Expect.KeyOrClose;
      return i + 1;
    }
    const keep = mode === Mode.Build || mode === Mode.Beside;
    if (c === 34 /* " */) {
      this.#startToken(Token.String, i, keep, false);
      return this.#continueToken(i + 1);
    }
    if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
      this.#startToken(Token.Number, i, keep, false);
      return this.#continueToken(i);
    }
    if (c >= 97 && c <= 122) {
      this.#startToken(Token.Literal, i, keep, false);
      return this.#continueToken(i);
    }
    return this.#fail(i, "a value");
  }

  /** A key's opening quote at `i`. */
  #key(i: number, c: number): number {
    if (c !== 34 /* " */) this.#fail(i, "a key in double quotes");
    this.#startToken(Token.String, i, this.#top()!.value !== undefined, true);
    return this.#continueToken(i + 1);
  }

  /**
   * Inside a list element: jumps from bracket to bracket and over strings to find where it ends (the
   * element's own syntax is JSON.parse's to check, which is native and fast).
   */
  #scan(i: number): number {
    const text = this.#text;
    const n = text.length;
    // Local copies: this loop runs over most of an answer's characters.
    let depth = this.#scanDepth;
    let inString = this.#scanString;
    let escaped = this.#escape === 1;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 92 /* \ */) escaped = true;
        else if (c === 34 /* " */) inString = false;
        continue;
      }
      if (c === 34) inString = true;
      else if (c === 123 /* { */ || c === 91 /* [ */) {
        if (++depth > MAX_DEPTH) {
          throw new JsonSyntaxError(`the document is nested deeper than ${MAX_DEPTH} levels`);
        }
      } else if (c === 125 /* } */ || c === 93 /* ] */) {
        if (--depth === 0) {
          this.#scanDepth = 0;
          this.#scanString = false;
          this.#escape = 0;
          this.#done(undefined, i + 1, true);
          return i + 1;
        }
      }
    }
    this.#scanDepth = depth;
    this.#scanString = inString;
    this.#escape = escaped ? 1 : 0;
    return n;
  }

  #startToken(token: Token, at: number, keep: boolean, isKey: boolean): void {
    this.#token = token;
    this.#tokenStart = at;
    this.#tokenText = "";
    this.#keepToken = keep;
    this.#tokenIsKey = isKey;
  }

  /** Reads the token in progress from `i`; returns where reading stopped (the token may still be open). */
  #continueToken(i: number): number {
    const text = this.#text;
    const n = text.length;
    if (this.#token === Token.String) {
      while (i < n) {
        if (this.#escape === 1) {
          if (!'"\\/bfnrtu'.includes(text[i]!)) {
            this.#fail(i, 'an escape (\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\u)');
          }
          this.#escape = text[i] === "u" ? 2 : 0;
          i++;
          continue;
        }
        if (this.#escape >= 2) {
          if (!HEX.test(text[i]!)) this.#fail(i, "a hexadecimal digit of \\u");
          this.#escape = this.#escape === 5 ? 0 : this.#escape + 1;
          i++;
          continue;
        }
        STRING_STOP.lastIndex = i;
        const stop = STRING_STOP.exec(text);
        if (stop === null) return n;
        i = stop.index;
        const c = text.charCodeAt(i);
        if (c === 92 /* \ */) {
          this.#escape = 1;
          i++;
          continue;
        }
        if (c !== 34) this.#fail(i, "no raw control character inside a string");
        const end = i + 1;
        const whole = this.#keepToken ? this.#tokenText + text.slice(this.#tokenStart, end) : "";
        this.#token = Token.None;
        this.#tokenText = "";
        if (this.#tokenIsKey) {
          const top = this.#top()!;
          top.key = this.#keepToken ? JSON.parse(whole) : undefined;
          this.#expect = Expect.Colon;
        } else this.#done(this.#keepToken ? JSON.parse(whole) : undefined, end, false);
        return end;
      }
      return n;
    }
    // Numbers and literals are short; their text is always kept until complete.
    const number = this.#token === Token.Number;
    while (i < n) {
      const c = text.charCodeAt(i);
      const part = number
        ? (c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === 69 || c === 101
        : c >= 97 && c <= 122;
      if (!part) break;
      i++;
    }
    const piece = this.#tokenText + text.slice(this.#tokenStart, i);
    if (piece.length > 400) this.#fail(i, "a shorter number", piece);
    // Perhaps continued in the next chunk: write() keeps the text read so far.
    if (i === n) return n;
    this.#token = Token.None;
    this.#tokenText = "";
    if (number) {
      if (!NUMBER.test(piece)) this.#fail(i, "a number", piece);
      this.#done(Number(piece), i, false);
    } else {
      if (!Object.hasOwn(LITERALS, piece)) this.#fail(i, "true, false or null", piece);
      this.#done(LITERALS[piece], i, false);
    }
    return i;
  }

  #close(i: number, array: boolean): number {
    const frame = this.#stack.pop()!;
    if (frame.array !== array) this.#fail(i, array ? "'}'" : "']'");
    this.#done(frame.value, i + 1, true);
    return i + 1;
  }

  /** Stores a built value in its container (or as the root). */
  #attach(value: unknown): void {
    const parent = this.#top();
    if (parent === undefined) this.#root = value;
    else if (parent.array) (parent.value as unknown[]).push(value);
    else setOwn(parent.value as Record<string, unknown>, parent.key!, value);
  }

  /** A value ended just before `end` in the current chunk: a scalar is stored, an element handed over. */
  #done(value: unknown, end: number, container: boolean): void {
    if (!container) {
      const mode = this.#mode();
      if (mode === Mode.Build || mode === Mode.Beside) this.#attach(value);
    }
    if (this.#capturing && this.#stack.length === this.#captureDepth) {
      this.#capture(this.#text.slice(this.#captureStart, end));
      const whole = this.#captured.length === 1 ? this.#captured[0]! : this.#captured.join("");
      this.#capturing = false;
      this.#captured = [];
      let item: unknown;
      try {
        item = JSON.parse(whole);
      } catch (error) {
        throw new JsonSyntaxError(
          `in a list element ending at character ${this.#offset + end}: ${(error as Error).message}`,
        );
      }
      this.#each(item);
    }
    this.#expect = this.#stack.length === 0 ? Expect.End : Expect.CommaOrClose;
  }

  #capture(piece: string): void {
    this.#capturedChars += piece.length;
    if (this.#capturedChars > this.#maxItemChars) {
      throw new JsonSyntaxError(`a list element is larger than ${this.#maxItemChars} characters`);
    }
    this.#captured.push(piece);
  }

  #fail(i: number, expected: string, got?: string): never {
    const text = this.#text;
    const seen = got ?? (i < text.length ? text[i]! : "the end");
    throw new JsonSyntaxError(
      `expected ${expected} at character ${this.#offset + i}, got ${JSON.stringify(seen.slice(0, 20))}`,
    );
  }
}

/**
 * What JsonItems gives, from a document already parsed whole (answers small enough to parse at once):
 * the elements of the list at `path` go to `each`, the envelope keeps the path with every other
 * container left empty. A loop down the path, no recursion.
 */
export function handOver(document: unknown, path: readonly string[], each: (item: unknown) => void): unknown {
  const beside = (value: unknown) =>
    value !== null && typeof value === "object" ? (Array.isArray(value) ? [] : {}) : value;
  let root: unknown;
  let attach = (value: unknown) => {
    root = value;
  };
  let source = document;
  for (let depth = 0;; depth++) {
    if (source === null || typeof source !== "object") {
      attach(source);
      return root;
    }
    if (Array.isArray(source)) {
      if (depth === path.length) {
        for (const item of source) each(item);
        attach([]);
      } else attach(source.map(beside));
      return root;
    }
    const copy: Record<string, unknown> = {};
    attach(copy);
    let next: string | undefined;
    for (const [key, value] of Object.entries(source)) {
      if (depth < path.length && key === path[depth]) next = key;
      setOwn(copy, key, beside(value));
    }
    if (next === undefined) return root;
    const key = next;
    attach = (value) => setOwn(copy, key, value);
    source = (source as Record<string, unknown>)[key];
  }
}

/** An own property, even for the key "__proto__" (as JSON.parse makes it). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}
