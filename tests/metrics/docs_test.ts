import assert from "node:assert/strict";
import { catalogNames } from "../../src/metrics/catalog.ts";
import { renderMetricsDoc, renderTable } from "../../src/metrics/docs.ts";

const DOC = new URL("../../docs/metrics.md", import.meta.url);

Deno.test("docs/metrics.md is the rendered catalog (regenerate: deno run src/metrics/docs.ts > docs/metrics.md)", async () => {
  assert.equal(await Deno.readTextFile(DOC), renderMetricsDoc());
});

Deno.test("renderMetricsDoc: one row per catalog metric, says how to regenerate", () => {
  const text = renderMetricsDoc();
  assert.ok(text.includes("deno run src/metrics/docs.ts > docs/metrics.md"));
  for (const name of catalogNames()) assert.match(text, new RegExp(`^\\| \`${name}\` +\\|`, "m"));
});

Deno.test("renderTable: pads columns and escapes nothing itself", () => {
  assert.equal(renderTable(["A", "Bb"], [["xyz", "1"]]), "| A   | Bb |\n| --- | -- |\n| xyz | 1  |");
});

Deno.test("renderMetricsDoc: output is already deno-fmt clean", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    // The project's config, whatever the working directory: its lineWidth decides the wrapping.
    args: ["fmt", "--config", new URL("../../deno.json", import.meta.url).pathname, "--ext", "md", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(renderMetricsDoc()));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  assert.equal(new TextDecoder().decode(stdout), renderMetricsDoc());
});

Deno.test("docs.ts runs as a script and prints the document", async () => {
  const script = new URL("../../src/metrics/docs.ts", import.meta.url);
  const { code, stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-lock", script.pathname],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.equal(code, 0);
  assert.equal(new TextDecoder().decode(stdout), renderMetricsDoc());
});
