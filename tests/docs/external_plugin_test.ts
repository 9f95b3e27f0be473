/**
 * A plugin written in its own project, outside this repository (with its own deno.json, as a user's would
 * have), imports the public API (src/mod.ts), type-checks there, and runs in the agent under -r.
 */
import assert from "node:assert/strict";
import { ROOT, ROOT_FLAG } from "../helpers/wca_process.ts";
import { spawnUntil } from "../helpers/spawned.ts";

const PLUGIN = `import { type Metric, params, register, text, type z } from "${ROOT}src/mod.ts";

const schema = params({ greeting: text().default("hello") });

@register
export class Greeter {
  static readonly schema = schema;
  readonly #greeting: string;
  constructor(options: z.infer<typeof schema>) {
    this.#greeting = options.greeting;
  }
  store(metrics: readonly Metric[]): Promise<void> {
    console.log(\`\${this.#greeting}: \${metrics.length > 0}\`);
    return Promise.resolve();
  }
}
`;

const CONFIG = `runner: !MeasurementRunner
  node: !StaticNode
    tasks: []
  metrics_storage: !Greeter
    greeting: greetings from outside
`;

async function userProject(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "wca_plugin_project_" });
  // The user's own project: its deno.json maps nothing wca needs.
  await Deno.writeTextFile(`${dir}/deno.json`, JSON.stringify({ imports: { "@std/fmt": "npm:chalk@5" } }));
  await Deno.writeTextFile(`${dir}/greeter.ts`, PLUGIN);
  await Deno.writeTextFile(`${dir}/agent.yaml`, CONFIG);
  for (const file of ["deno.json", "greeter.ts", "agent.yaml"]) await Deno.chmod(`${dir}/${file}`, 0o644);
  return dir;
}

Deno.test("a plugin in another project type-checks against src/mod.ts with that project's deno.json", async () => {
  const dir = await userProject();
  try {
    const check = await spawnUntil(Deno.execPath(), ["check", "greeter.ts"], { cwd: dir });
    assert.equal(check.code, 0, check.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a plugin in another project runs in the agent under -r, started from that project", async () => {
  const dir = await userProject();
  try {
    const run = await spawnUntil(
      Deno.execPath(),
      ["run", "-A", `${ROOT}src/main.ts`, "-c", "agent.yaml", "-r", "greeter.ts", ...ROOT_FLAG],
      { cwd: dir, until: ({ stdout }) => stdout.includes("greetings from outside: true") },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^greetings from outside: true$/m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
