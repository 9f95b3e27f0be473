import assert from "node:assert/strict";
import { importsOf, layerOf, layerViolations, resolve } from "../.ci/layers.ts";

Deno.test("layers: an import up the list is a violation, down or within a layer is not", () => {
  const files = new Map([
    [
      "src/perf/factory.ts",
      'import type { X } from "../runners/measurement/schema.ts";\nimport { y } from "../platform/mod.ts";\n',
    ],
    ["src/platform/cgroup/v1.ts", 'export { z } from "../../components/interfaces.ts";\n'],
    [
      "src/runners/loop.ts",
      'import { a } from "./measurement/runner.ts";\nconst m = await import("../nodes/mod.ts");\n',
    ],
    ["src/main.ts", 'import { BUILTIN_COMPONENTS } from "./builtins.ts";\n'],
  ]);
  assert.deepEqual(layerViolations(files).map((v) => v.message), [
    "src/perf/factory.ts (sources) imports src/runners/measurement/schema.ts (runners), a higher layer",
    "src/platform/cgroup/v1.ts (platform, metrics, logging) imports src/components/interfaces.ts " +
    "(config, components, cli, plugin API), a higher layer",
  ]);
});

Deno.test("layers: specifiers, resolution and layer lookup", () => {
  assert.deepEqual(
    importsOf(
      'import a from "./a.ts";\nimport "./side.ts";\nexport * from "../b.ts";\nimport x from "npm:yaml";\n',
    ),
    ["./a.ts", "./side.ts", "../b.ts"],
  );
  assert.equal(resolve("src/perf/uncore/factory.ts", "../../sources/contract.ts"), "src/sources/contract.ts");
  assert.equal(layerOf("ffi/libc.ts"), 0);
  assert.equal(layerOf("src/main.ts"), 7);
  assert.equal(layerOf("tests/x_test.ts"), undefined);
});

Deno.test("layers: the real tree has no import that points up", async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", new URL("../.ci/layers.ts", import.meta.url).pathname],
  }).output();
  const text = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
  assert.equal(code, 0, text);
  assert.match(text, /every import points down or within its layer/);
});
