/**
 * A strict check of the Prometheus text exposition format (0.0.4), following the parser promtool and the
 * Go client use (expfmt's TextParser): HELP and TYPE at most once per family and TYPE before its first
 * sample, `_sum`/`_count`/`_bucket` samples belonging to their summary or histogram, quoted label values
 * with only `\\`, `\"` and `\n` escapes, no duplicate label names, `le` and `quantile` values that are
 * floats, a decimal or inf/NaN value, an optional int64 timestamp, nothing after them (not even blanks),
 * and a line end after every line. Stricter than that parser where being so is simpler and costs no real
 * output: blanks separate the name (or label set) from the value, no carriage returns, no value that
 * underflows to 0. Text that passes here parses with promtool (tests/metrics/text_check_test.ts holds
 * the two to each other). Pure; linear in the text's length.
 */

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const BLANKS_AT = /[ \t]*/y;
const LABEL_VALUE = /([^"\\]*(?:\\[\\"n][^"\\]*)*)"/y;
// Go's ParseFloat: a sign goes with digits or Inf, not with NaN.
const FLOAT =
  /^(?:[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[iI][nN][fF](?:[iI][nN][iI][tT][yY])?)|[nN][aA][nN])$/;
const TIMESTAMP = /^[+-]?\d{1,18}$/;
const TYPES: ReadonlySet<string> = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);
const BLANKS = /^[ \t]*/;

interface Family {
  help: boolean;
  type: string | undefined;
}

class TextError extends Error {}

/** A short quotation of input for a message. */
function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

function fail(problem: string): never {
  throw new TextError(problem);
}

/** A float as Go's ParseFloat reads it, finite or not, but not beyond a double's range either way. */
function isFloat(text: string): boolean {
  if (!FLOAT.test(text)) return false;
  if (!/\d/.test(text)) return true;
  const value = Number(text);
  return Number.isFinite(value) && (value !== 0 || !/[1-9]/.test(text.replace(/[eE].*$/, "")));
}

/** The family a sample or comment of `name` belongs to, as the Go parser files it. */
function familyOf(families: Map<string, Family>, name: string): Family {
  const own = families.get(name);
  if (own) return own;
  for (
    const [suffix, types] of [["_sum", ["summary", "histogram"]], ["_count", ["summary", "histogram"]], [
      "_bucket",
      ["histogram"],
    ]] as const
  ) {
    if (!name.endsWith(suffix)) continue;
    const base = families.get(name.slice(0, -suffix.length));
    if (base?.type !== undefined && (types as readonly string[]).includes(base.type)) return base;
  }
  const created = { help: false, type: undefined };
  families.set(name, created);
  return created;
}

function checkComment(line: string, families: Map<string, Family>): void {
  const words = /^#[ \t]*(HELP|TYPE)[ \t]+(\S*)(?:[ \t]+(.*))?$/.exec(line);
  if (!words) return; // any other comment
  const [, keyword, name = "", rest] = words;
  if (name === "") return; // "# HELP" alone is no syntax error, nor is "# HELP name"
  if (METRIC_NAME.exec(name)?.[0] !== name) fail(`invalid metric name ${quote(name)} in comment`);
  const family = familyOf(families, name);
  if (rest === undefined || rest === "") return;
  if (keyword === "HELP") {
    if (family.help) fail(`second HELP line for metric name ${quote(name)}`);
    family.help = true;
    const escape = /\\(.?)/g;
    for (const [, next] of rest.matchAll(escape)) {
      if (next !== "\\" && next !== "n") fail(`invalid escape sequence '\\${next}' in HELP`);
    }
    return;
  }
  if (family.type !== undefined) {
    fail(`second TYPE line for metric name ${quote(name)}, or TYPE after its samples`);
  }
  const type = rest.toLowerCase(); // the Go parser keeps trailing blanks in the type, and then refuses it
  if (!TYPES.has(type)) fail(`unknown metric type ${quote(rest)}`);
  family.type = type;
}

/** Why a label value starting at `start` did not end in a quote on its line. */
function unclosedValueProblem(line: string, start: number): string {
  for (let i = start; i < line.length; i++) {
    if (line[i] !== "\\") continue;
    const next = line[++i];
    if (next !== "\\" && next !== '"' && next !== "n") return `invalid escape sequence '\\${next ?? ""}'`;
  }
  return "not closed on its line";
}

/** Reads `{name="value",...}` from `line` at `start`; returns the index after the `}`. */
function readLabels(line: string, start: number, family: Family): number {
  const seen = new Set<string>();
  let at = start + 1;
  const blanks = () => {
    BLANKS_AT.lastIndex = at;
    at += BLANKS_AT.exec(line)![0].length;
  };
  for (;;) {
    blanks();
    if (line[at] === "}") return at + 1;
    LABEL_NAME.lastIndex = at;
    const name = LABEL_NAME.exec(line)?.[0];
    if (!name) fail(`invalid label name at column ${at + 1}`);
    if (name === "__name__") fail(`label name "__name__" is reserved`);
    if (seen.has(name)) fail(`duplicate label name ${quote(name)}`);
    seen.add(name);
    at += name.length;
    blanks();
    if (line[at] !== "=") fail(`expected '=' after label name ${quote(name)}`);
    at++;
    blanks();
    if (line[at] !== '"') fail(`expected '"' at the start of the value of label ${quote(name)}`);
    LABEL_VALUE.lastIndex = at + 1;
    const quoted = LABEL_VALUE.exec(line);
    if (!quoted) fail(`label value of ${quote(name)}: ${unclosedValueProblem(line, at + 1)}`);
    at = LABEL_VALUE.lastIndex;
    const special = family.type === "histogram" ? "le" : family.type === "summary" ? "quantile" : undefined;
    const value = name === special
      ? quoted[1]!.replace(/\\(.)/g, (_, c: string) => c === "n" ? "\n" : c)
      : "";
    if (name === special && !isFloat(value)) {
      fail(`expected a float as the value of label ${quote(name)}, got ${quote(value)}`);
    }
    blanks();
    if (line[at] === ",") at++;
    else if (line[at] !== "}") fail(`expected ',' or '}' after the value of label ${quote(name)}`);
  }
}

function checkSample(line: string, families: Map<string, Family>): void {
  const name = METRIC_NAME.exec(line)?.[0];
  if (!name) fail("invalid metric name");
  const family = familyOf(families, name);
  family.type ??= "untyped";
  let at = name.length;
  if (line[at] === "{") at = readLabels(line, at, family);
  // Blanks, the value, and optionally blanks and the timestamp; nothing after, not even blanks.
  const tail = /^[ \t]+([^ \t]*)(?:[ \t]+([^ \t]*)(.*))?$/.exec(line.slice(at));
  if (!tail) fail(`expected a blank and a value after ${quote(name)}`);
  const [, value = "", timestamp, extra] = tail;
  if (!isFloat(value)) fail(`expected a float as value, got ${quote(value)}`);
  if (timestamp !== undefined && !TIMESTAMP.test(timestamp)) {
    fail(`expected an integer as timestamp, got ${quote(timestamp)}`);
  }
  if (extra) fail("unexpected text after the timestamp");
}

/**
 * Why `text` is not Prometheus text ("line 3: expected a float as value, got \"world\""), or undefined
 * when it is. Empty text is valid (no families).
 */
export function expositionProblem(text: string): string | undefined {
  const families = new Map<string, Family>();
  let start = 0;
  for (let number = 1; start < text.length; number++) {
    const end = text.indexOf("\n", start);
    if (end < 0) return `line ${number}: the text does not end with a line end`;
    const line = text.slice(start, end).replace(BLANKS, "");
    start = end + 1;
    try {
      if (line.includes("\r")) fail("carriage return in the line");
      if (line === "") continue;
      if (line.startsWith("#")) checkComment(line, families);
      else checkSample(line, families);
    } catch (error) {
      if (!(error instanceof TextError)) throw error;
      return `line ${number}: ${error.message}`;
    }
  }
  return undefined;
}
