/** Turns a zod issue into the "expected …" half of a config error message. */
// deno-lint-ignore no-import-prefix -- fully specified, so a plugin outside this repository (another deno.json) resolves it
import type { z } from "npm:zod@4.6.7";

type Issue = z.core.$ZodIssue;

const DEFAULT_PREFIX = /^Invalid input:\s*/;

function plain(message: string): string {
  return message.replace(DEFAULT_PREFIX, "");
}

/** "expected true or false, or auto": each branch's expectation, enum branches spread out. */
function unionExpectations(issue: Issue & { code: "invalid_union" }): string {
  const options = new Set<string>();
  for (const branch of issue.errors) {
    const first = branch[0];
    if (!first) continue;
    const expectation = describeIssue(first).replace(/^expected /, "");
    const values = /^one of: (.*)$/.exec(expectation)?.[1];
    for (const option of values ? values.split(", ") : [expectation]) options.add(option);
  }
  return options.size ? `expected ${[...options].join(", or ")}` : "expected another value";
}

/** The part after the colon: "expected a number >= 0". */
export function describeIssue(issue: Issue): string {
  if (issue.code === "invalid_union" && (issue.message === "Invalid input" || !issue.message)) {
    return unionExpectations(issue);
  }
  if (issue.code === "invalid_value" && issue.message.startsWith("Invalid option")) {
    return `expected one of: ${issue.values.map((v) => String(v)).join(", ")}`;
  }
  return plain(issue.message);
}
