/**
 * The whole /metrics text of each fixture host, byte for byte, against the recorded golden file in
 * tests/fixtures/golden/ (see its README). A deliberate change in the output is recorded with
 * `deno task golden` and shows up in review as a diff of those files.
 */
import assert from "node:assert/strict";
import { GOLDEN_DIR, GOLDEN_SCENARIOS, normalise, renderInProcess } from "./golden_render.ts";

for (const scenario of Object.keys(GOLDEN_SCENARIOS)) {
  Deno.test(`golden /metrics: ${scenario}`, async () => {
    const actual = await renderInProcess(scenario);
    const expected = await Deno.readTextFile(`${GOLDEN_DIR}${scenario}.prom`);
    // The fixture trees carry proc/self/limits, so the runner reads through kept-open descriptors:
    // the fallback's warning would show as a count here.
    assert.doesNotMatch(actual, /wca_warning_count\{[^}]*module="wca\.runners\.measurement"[^}]*\} [1-9]/);
    assert.ok(actual.includes("# TYPE task_up gauge"), "tasks were measured");
    if (actual !== expected) {
      assert.equal(
        actual,
        expected,
        `output of ${scenario} differs from ${scenario}.prom; run \`deno task golden\` if the change is meant`,
      );
    }
  });
}

Deno.test("golden normalisation replaces only the volatile values", () => {
  const text = [
    "# HELP wca_up Unix time",
    "# TYPE wca_up counter",
    'wca_up{host="h"} 1765150000.123',
    'wca_duration_seconds{function="store",host="h"} 0.0012',
    'wca_tasks{host="h"} 2',
    'task_last_seen{task_id="t"} 1765150000',
    "",
  ].join("\n");
  assert.equal(
    normalise(text),
    [
      "# HELP wca_up Unix time",
      "# TYPE wca_up counter",
      'wca_up{host="h"} <timestamp>',
      'wca_duration_seconds{function="store",host="h"} <duration>',
      'wca_tasks{host="h"} 2',
      'task_last_seen{task_id="t"} <timestamp>',
      "",
    ].join("\n"),
  );
});
