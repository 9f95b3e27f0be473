/**
 * --labels: the seeds' Python dict literal (`{'workload':'stress-ng','cores':'1'}`, what ast.literal_eval
 * read) or JSON (`{"workload":"stress-ng"}`, what WCA's Kubernetes and Mesos configs generated). Keys
 * must be Prometheus label names; values strings, or numbers and booleans, which become their text.
 */
import { LABEL_NAME_PATTERN } from "../metrics/prometheus.ts";

export class LabelsError extends Error {
  override readonly name = "LabelsError";
}

const EXAMPLE = `expected a dict like {'workload':'stress-ng','cores':'1'} or JSON {"workload":"stress-ng"}`;

const ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  n: "\n",
  t: "\t",
  r: "\r",
  "0": "\0",
  a: "\x07",
  b: "\b",
  f: "\f",
  v: "\v",
};

/** A reader over the Python literal, with positions for messages. */
class Literal {
  readonly text: string;
  at = 0;

  constructor(text: string) {
    this.text = text;
  }

  fail(what: string): never {
    const found = this.at < this.text.length ? `'${this.text[this.at]}'` : "the end";
    throw new LabelsError(`${what} at character ${this.at + 1}, found ${found}; ${EXAMPLE}`);
  }

  skipSpace(): void {
    while (/\s/.test(this.text[this.at] ?? "")) this.at++;
  }

  eat(char: string): boolean {
    this.skipSpace();
    if (this.text[this.at] !== char) return false;
    this.at++;
    return true;
  }

  string(): string {
    this.skipSpace();
    const quote = this.text[this.at];
    if (quote !== "'" && quote !== '"') this.fail("expected a quoted string");
    let out = "";
    for (this.at++; this.at < this.text.length; this.at++) {
      const c = this.text[this.at]!;
      if (c === quote) {
        this.at++;
        return out;
      }
      if (c === "\n") break;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const next = this.text[++this.at] ?? "";
      const hex = next === "x" ? 2 : next === "u" ? 4 : 0;
      if (hex > 0) {
        const digits = this.text.slice(this.at + 1, this.at + 1 + hex);
        if (!new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits)) this.fail(`expected ${hex} hex digits`);
        out += String.fromCharCode(parseInt(digits, 16));
        this.at += hex;
      } else if (next in ESCAPES) out += ESCAPES[next];
      else out += "\\" + next; // Python keeps unknown escapes as they are
    }
    return this.fail("unterminated string");
  }

  scalar(): string {
    this.skipSpace();
    const c = this.text[this.at];
    if (c === "'" || c === '"') return this.string();
    const word = /^(?:True|False|[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)/.exec(
      this.text.slice(this.at),
    );
    if (!word) return this.fail("expected a string or number value");
    this.at += word[0].length;
    return word[0];
  }
}

function parsePythonDict(text: string): Map<string, string> {
  const reader = new Literal(text);
  const pairs = new Map<string, string>();
  if (!reader.eat("{")) reader.fail("expected {");
  if (!reader.eat("}")) {
    do {
      if (reader.eat("}")) return finish(reader, pairs); // a trailing comma
      const key = reader.string();
      if (!reader.eat(":")) reader.fail("expected :");
      pairs.set(key, reader.scalar());
    } while (reader.eat(","));
    if (!reader.eat("}")) reader.fail("expected , or }");
  }
  return finish(reader, pairs);
}

function finish(reader: Literal, pairs: Map<string, string>): Map<string, string> {
  reader.skipSpace();
  if (reader.at < reader.text.length) reader.fail("unexpected text after }");
  return pairs;
}

function parseJsonDict(text: string): Map<string, string> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new LabelsError(`${EXAMPLE}; got JSON that is not an object`);
  }
  const pairs = new Map<string, string>();
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === "string") pairs.set(key, item);
    else if (typeof item === "number" || typeof item === "boolean") pairs.set(key, String(item));
    else {throw new LabelsError(
        `label '${key}' has a ${item === null ? "null" : typeof item} value; ${EXAMPLE}`,
      );}
  }
  return pairs;
}

/** Parses --labels; throws LabelsError naming what is wrong and where. */
export function parseLabels(text: string): Record<string, string> {
  const pairs = parseJsonDict(text) ?? parsePythonDict(text);
  const labels: Record<string, string> = {};
  for (const [key, value] of pairs) {
    if (!LABEL_NAME_PATTERN.test(key) || key.startsWith("__")) {
      throw new LabelsError(
        `'${key}' is not a label name: expected letters, digits and _, not starting with a digit or __`,
      );
    }
    labels[key] = value;
  }
  return labels;
}
