import assert from "node:assert/strict";
import { fromPythonSyntax, groupCount, matchAtStart } from "../../src/platform/regexp.ts";

Deno.test("matchAtStart: Python re.match semantics, at the start only, not a full match", () => {
  const table: Array<[string, string, boolean]> = [
    ["pgfault", "pgfault", true],
    ["pgfault", "pgmajfault", false],
    ["pg", "pgfault", true],
    ["fault", "pgfault", false],
    ["pgfault$", "pgfault_x", false],
    ["nr_|numa_", "numa_hit", true],
    ["nr_|numa_", "pgnuma_", false],
    [".*", "", true],
    ["(?P<k>nr)_(?P=k)", "nr_nr", true],
  ];
  for (const [pattern, key, expected] of table) {
    assert.equal(matchAtStart(pattern).test(key), expected, `${pattern} on ${key}`);
  }
  assert.throws(() => matchAtStart("("), SyntaxError);
});

Deno.test("fromPythonSyntax and groupCount", () => {
  assert.equal(fromPythonSyntax("(?P<key>a)(?P=key)"), "(?<key>a)\\k<key>");
  assert.equal(fromPythonSyntax("\\s+(a)"), "\\s+(a)");
  const table: Array<[string, number]> = [["", 0], ["(a)", 1], ["(a)(b)", 2], ["(?:a)(b)", 1], [
    "(?<n>a)|(b)",
    2,
  ]];
  for (const [pattern, groups] of table) assert.equal(groupCount(new RegExp(pattern)), groups, pattern);
});
