/**
 * Every example config under configs/ loads: tags exist, parameters validate. The seeds' examples that
 * need a component this version does not have yet are kept as the seeds wrote
 * them and must fail with exactly the unknown-tag error, so they start loading as soon as it exists.
 * The runnable ones run for two iterations.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { Registry } from "../src/components/mod.ts";
import { BUILTIN_COMPONENTS } from "../src/builtins.ts";
import { registerFrom } from "../src/components/registration.ts";
import { buildRunner, ConfigError, parseConfigText } from "../src/config/mod.ts";
import { ROOT_FLAG } from "./helpers/wca_process.ts";
import { namesClusterFiles, withClusterFiles } from "./helpers/cluster_files.ts";

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
  await registerFrom(registry, `${ROOT}examples/example_detector.ts`);
  await registerFrom(registry, `${ROOT}examples/example_allocator.ts`);
  return registry;
}

/** Components of later issues that some seed examples name: their tag must be the only problem. */
const NOT_YET = new Set<string>();
/** Data files beside configs, not configs themselves. */
const NOT_CONFIGS = new Set(["configs/extra/static_allocator_config.yaml"]);

const files = [...yamlFiles(`${ROOT}configs`)].sort().filter((f) => !NOT_CONFIGS.has(f.slice(ROOT.length)));

Deno.test("configs/ has example configs", () => {
  assert.ok(files.length > 0);
});

for (const file of files) {
  const name = file.slice(ROOT.length);
  const text = Deno.readTextFileSync(file);
  const missing = [...text.matchAll(/!([A-Za-z]+)/g)].map((m) => m[1]!).filter((tag) => NOT_YET.has(tag));
  Deno.test(`config ${name} ${missing.length ? `names ${missing[0]}, not in this version yet` : "loads"}`, async () => {
    const build = async (source = text) =>
      buildRunner(parseConfigText(file, source), {
        components: await exampleRegistry(),
        // Ports (KUBERNETES_SERVICE_PORT) must be numbers even in the examples.
        env: (variable) =>
          Deno.env.get(variable) ??
            (variable.endsWith("_PORT") ? "6443" : `example-${variable.toLowerCase()}`),
      });
    if (missing.length === 0 && namesClusterFiles(text)) {
      // Files of a cluster node (service-account token, kubelet CA): made for the test, then loaded for real.
      await withClusterFiles(text, async (local) => {
        const runner = await build(local);
        assert.equal(typeof runner.run, "function");
      });
      return;
    }
    if (missing.length === 0) {
      const runner = await build();
      assert.equal(typeof runner.run, "function");
      return;
    }
    await assert.rejects(build, (error: unknown) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.match(error.message, new RegExp(`Unknown tag !${missing[0]}[.;]`));
      return true;
    });
  });
}

/** Configs that need only this machine: run by the real agent until two iterations are done. */
const RUNNABLE: ReadonlyArray<{ config: string; register?: string }> = [
  { config: "configs/detection/example_detector.yaml", register: "examples/example_detector.ts" },
  { config: "configs/extra/static_allocator.yaml" },
  { config: "configs/allocation/numa_allocator.yaml" },
  { config: "configs/allocation/example_allocator.yaml", register: "examples/example_allocator.ts" },
  { config: "configs/extra/static_measurements.yaml" },
];

for (const { config, register } of RUNNABLE) {
  Deno.test(`config ${config} runs two iterations on this machine`, async () => {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "src/main.ts",
        "-c",
        config,
        ...(register ? ["-r", register] : []),
        "-l",
        "debug",
        ...ROOT_FLAG,
      ],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let stderr = "";
    const reader = (async () => {
      for await (const text of child.stderr.pipeThrough(new TextDecoderStream())) stderr += text;
    })();
    const stdout = new Response(child.stdout).text();
    const deadline = Date.now() + 30_000;
    while ((stderr.match(/\] iteration: /g) ?? []).length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.kill("SIGTERM");
    const status = await child.status;
    await reader;
    await stdout;
    assert.ok((stderr.match(/\] iteration: /g) ?? []).length >= 2, `two iterations:\n${stderr}`);
    assert.equal(status.code, 0, stderr);
    assert.doesNotMatch(stderr, /ERROR|CRITICAL/, stderr);
  });
}
