import assert from "node:assert/strict";
import { shellSplit, ShellSyntaxError } from "../../src/wrapper/shlex.ts";

const CASES: ReadonlyArray<[string, string[]]> = [
  ["stress-ng -c 1", ["stress-ng", "-c", "1"]],
  ["  a   b\tc\n", ["a", "b", "c"]],
  [`-c "while true; do stress-ng --cpu 1; done"`, ["-c", "while true; do stress-ng --cpu 1; done"]],
  [`echo 'a "b" \\c'`, ["echo", `a "b" \\c`]],
  [`echo "a \\"b\\" \\$x \\c"`, ["echo", `a "b" $x \\c`]],
  [`a\\ b c`, ["a b", "c"]],
  [`x''y ""`, ["xy", ""]],
  ["", []],
];

for (const [text, words] of CASES) {
  Deno.test(`shellSplit ${JSON.stringify(text)}`, () => assert.deepEqual(shellSplit(text), words));
}

for (const text of [`echo 'a`, `echo "a`, `echo a\\`]) {
  Deno.test(`shellSplit ${JSON.stringify(text)} is refused`, () => {
    assert.throws(() => shellSplit(text), ShellSyntaxError);
  });
}
