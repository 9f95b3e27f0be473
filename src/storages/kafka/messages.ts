/**
 * Splitting one encoded batch (Prometheus text, families separated by a blank line) into Kafka messages
 * of at most `maxBytes`, at family boundaries, so that every message is valid Prometheus text on its own.
 * A family larger than `maxBytes` is split between samples, its HELP and TYPE lines repeated in each
 * piece. Pure: bytes in, byte ranges out (views of the input where no header has to be repeated).
 */

const NEWLINE = 0x0a;
const HASH = 0x23;

export interface Chunk {
  readonly bytes: Uint8Array;
  /** Sample lines in the chunk: what is lost if the chunk is. */
  readonly samples: number;
}

interface Block {
  readonly start: number;
  /** One past the block's last newline. */
  readonly end: number;
  readonly samples: number;
}

/** The families of `text`: ranges ending with their last line's newline, separated by one empty line. */
function blocks(text: Uint8Array): Block[] {
  const out: Block[] = [];
  let start = 0;
  let samples = 0;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== NEWLINE) continue;
    if (i === lineStart) {
      // An empty line ends the family before it.
      if (i > start) out.push({ start, end: i, samples });
      start = i + 1;
      samples = 0;
    } else if (text[lineStart] !== HASH) {
      samples++;
    }
    lineStart = i + 1;
  }
  if (lineStart < text.length && text[lineStart] !== HASH) samples++; // a last line without newline
  if (start < text.length) out.push({ start, end: text.length, samples });
  return out;
}

/** Splits one family between sample lines, repeating its comment lines at the head of each piece. */
function splitFamily(text: Uint8Array, block: Block, maxBytes: number): Chunk[] {
  const lines: Array<[number, number]> = [];
  let lineStart = block.start;
  for (let i = block.start; i < block.end; i++) {
    if (text[i] === NEWLINE || i === block.end - 1) {
      lines.push([lineStart, i + 1]);
      lineStart = i + 1;
    }
  }
  const header = lines.filter(([s]) => text[s] === HASH);
  const samples = lines.filter(([s]) => text[s] !== HASH);
  const headerBytes = header.reduce((sum, [s, e]) => sum + e - s, 0);
  const out: Chunk[] = [];
  let piece: Array<[number, number]> = [];
  let size = headerBytes;
  const flush = () => {
    if (!piece.length) return;
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const [s, e] of [...header, ...piece]) {
      bytes.set(text.subarray(s, e), at);
      at += e - s;
    }
    out.push({ bytes, samples: piece.length });
    piece = [];
    size = headerBytes;
  };
  for (const line of samples) {
    if (piece.length && size + line[1] - line[0] > maxBytes) flush();
    piece.push(line);
    size += line[1] - line[0];
  }
  flush();
  return out;
}

/**
 * The messages of one batch, in order. Consecutive families share a message while they fit; a family
 * alone above `maxBytes` is split between samples (a single sample line above it still goes out whole).
 */
export function splitAtFamilies(text: Uint8Array, maxBytes: number): Chunk[] {
  const out: Chunk[] = [];
  let first: Block | undefined;
  let last: Block | undefined;
  let samples = 0;
  const flush = () => {
    if (first && last) out.push({ bytes: text.subarray(first.start, last.end), samples });
    first = last = undefined;
    samples = 0;
  };
  for (const block of blocks(text)) {
    const size = block.end - block.start;
    if (size > maxBytes) {
      flush();
      for (const part of splitFamily(text, block, maxBytes)) out.push(part);
      continue;
    }
    // Joined, the blank line between the two families is part of the message.
    if (first && block.end - first.start > maxBytes) flush();
    first ??= block;
    last = block;
    samples += block.samples;
  }
  flush();
  return out;
}
