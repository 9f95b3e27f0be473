/**
 * Shared pieces of the pure parsers: the error they throw and strict number conversion.
 *
 * Kernel files are trusted to be well formed, so a line we cannot read means the kernel changed a
 * format or a fixture is wrong: either way the message must name the file and the line.
 */

/** A kernel file did not have the shape its parser expects. */
export class PlatformParseError extends Error {
  /** File the text came from: a full path when a reader parsed it, a short name otherwise. */
  readonly source: string;
  /** 1-based line number, when the problem is on one line. */
  readonly line: number | undefined;

  constructor(source: string, line: number | undefined, reason: string) {
    super(line === undefined ? `${source}: ${reason}` : `${source}:${line}: ${reason}`);
    this.name = "PlatformParseError";
    this.source = source;
    this.line = line;
  }
}

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?\d+(?:\.\d+)?$/;

/** `token` as an integer, or a PlatformParseError naming `what`. */
export function toInteger(token: string | undefined, source: string, line: number, what: string): number {
  if (token === undefined || !INTEGER.test(token)) {
    throw new PlatformParseError(source, line, `expected an integer for ${what}, got ${quote(token)}`);
  }
  return Number(token);
}

/** `token` as a plain decimal number (PSI averages), or a PlatformParseError naming `what`. */
export function toDecimal(token: string | undefined, source: string, line: number, what: string): number {
  if (token === undefined || !DECIMAL.test(token)) {
    throw new PlatformParseError(source, line, `expected a number for ${what}, got ${quote(token)}`);
  }
  return Number(token);
}

/** Lines of a kernel file; the final newline does not make an extra empty line. */
export function linesOf(text: string): string[] {
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

function quote(token: string | undefined): string {
  return token === undefined ? "nothing" : JSON.stringify(token);
}
