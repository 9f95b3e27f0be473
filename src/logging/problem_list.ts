/**
 * Many problems on one log line, bounded: the count, the first few reasons (each escaped, so none can
 * start a line or send a terminal escape, and each cut to a readable length), and how many more there were.
 * A plugin that returns a million wrong entries gets one line of a few hundred characters.
 */
import { escapeControl } from "./escape.ts";

/** Reasons shown on one line. */
export const SHOWN_PROBLEMS = 3;
/** Characters kept of each reason. */
export const PROBLEM_CHARS = 300;

function clip(text: string): string {
  return text.length > PROBLEM_CHARS ? `${text.slice(0, PROBLEM_CHARS - 3)}...` : text;
}

/** `3 problems: a; b; c` or `1000000 problems: a; b; c; and 999997 more`. */
export function problemList(problems: readonly string[], total: number = problems.length): string {
  const shown = problems.slice(0, SHOWN_PROBLEMS).map((problem) => escapeControl(clip(problem)));
  const more = total - shown.length;
  return `${total} problem${total === 1 ? "" : "s"}: ${shown.join("; ")}${
    more > 0 ? `; and ${more} more` : ""
  }`;
}
