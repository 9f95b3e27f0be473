import assert from "node:assert/strict";
import { LabelsError, parseLabels } from "../../src/wrapper/labels.ts";

const GOOD: ReadonlyArray<[string, Record<string, string>]> = [
  [`{'workload':'stress-ng','cores':'1'}`, { workload: "stress-ng", cores: "1" }],
  [`{"workload": "stress-ng", "cores": "1"}`, { workload: "stress-ng", cores: "1" }],
  [`{}`, {}],
  [` { 'a' : "x" , } `, { a: "x" }],
  [`{'cores': 1, 'ratio': 0.5, 'on': True}`, { cores: "1", ratio: "0.5", on: "True" }],
  [`{"cores": 1, "on": false}`, { cores: "1", on: "false" }],
  [`{'q': 'it\\'s', 'nl': 'a\\nb', 'hex': '\\x41\\u00e9', 'keep': '\\d'}`, {
    q: "it's",
    nl: "a\nb",
    hex: "Aé",
    keep: "\\d",
  }],
];

for (const [text, expected] of GOOD) {
  Deno.test(`--labels ${text}`, () => assert.deepEqual(parseLabels(text), expected));
}

const BAD: ReadonlyArray<[string, RegExp]> = [
  [`workload=stress-ng`, /expected \{ at character 1, found 'w'; expected a dict like/],
  [`{'workload':'stress-ng'`, /expected , or \} at character 24, found the end/],
  [`{'a':'b`, /unterminated string/],
  [`{'a': None}`, /expected a string or number value at character 7/],
  [`{'0bad':'x'}`, /'0bad' is not a label name/],
  [`{'__name__':'x'}`, /'__name__' is not a label name/],
  [`["a"]`, /JSON that is not an object/],
  [`{"a": {"b": 1}}`, /label 'a' has a object value/],
  [`{'a':'b'} trailing`, /unexpected text after \}/],
];

for (const [text, message] of BAD) {
  Deno.test(`--labels ${text} is refused with a clear message`, () => {
    assert.throws(
      () => parseLabels(text),
      (error: Error) => error instanceof LabelsError && message.test(error.message),
    );
  });
}
