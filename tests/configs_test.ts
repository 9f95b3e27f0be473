/** Every example config under configs/ loads: tags exist, parameters validate. */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { Registry } from "../src/components/mod.ts";
import { BUILTIN_COMPONENTS } from "../src/builtins.ts";
import { registerFrom } from "../src/components/registration.ts";
import { buildRunner, parseConfigText } from "../src/config/mod.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

function* yamlFiles(dir: string): Generator<string> {
  for (const entry of Deno.readDirSync(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* yamlFiles(path);
    else if (/\.ya?ml$/.test(entry.name)) yield path;
  }
}

/** Components the examples define, as users would register them with -r. */
async function exampleRegistry(): Promise<Registry> {
  const registry = new Registry(BUILTIN_COMPONENTS);
  await registerFrom(registry, `${ROOT}examples/hello_world_runner.ts:HelloWorldRunner`);
  await registerFrom(registry, `${ROOT}examples/http_storage.ts`);
  return registry;
}

const files = [...yamlFiles(`${ROOT}configs`)].sort();

Deno.test("configs/ has example configs", () => {
  assert.ok(files.length > 0);
});

for (const file of files) {
  Deno.test(`config ${file.slice(ROOT.length)} loads`, async () => {
    const config = parseConfigText(file, Deno.readTextFileSync(file));
    const runner = buildRunner(config, {
      components: await exampleRegistry(),
      env: (name) => Deno.env.get(name) ?? `example-${name.toLowerCase()}`,
    });
    assert.equal(typeof runner.run, "function");
  });
}
