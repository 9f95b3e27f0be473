/**
 * Regular expressions given in WCA configs were written for Python's `re`. WCA applied them with
 * `re.match`, which matches at the start of the string only (not a full match, not a search): the same
 * meaning here is the pattern wrapped in `^(?:…)`. Python's named-group spellings are translated.
 */

/** Python's `(?P<name>…)` and `(?P=name)` in JavaScript syntax; everything else is left alone. */
export function fromPythonSyntax(pattern: string): string {
  return pattern.replace(/\(\?P</g, "(?<").replace(/\(\?P=(\w+)\)/g, "\\k<$1>");
}

/** `pattern` as Python's `re.match` applies it: anchored at the start. Throws SyntaxError when invalid. */
export function matchAtStart(pattern: string): RegExp {
  return new RegExp(`^(?:${fromPythonSyntax(pattern)})`);
}

/** The number of capturing groups (named ones included) of `regexp`. */
export function groupCount(regexp: RegExp): number {
  // An alternative that matches the empty string makes exec() return every group, unmatched.
  return new RegExp(`${regexp.source}|`).exec("")!.length - 1;
}
