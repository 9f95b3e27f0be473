/**
 * A user's own project outside this repository: its own deno.json (mapping nothing wca needs), a storage
 * plugin that imports wca's public API (src/mod.ts) by path, and a config using it. Its storage prints
 * "greetings from outside: true" for each batch.
 */
import { ROOT } from "./wca_process.ts";

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

export async function userProject(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "wca_plugin_project_" });
  // The user's own project: its deno.json maps nothing wca needs.
  await Deno.writeTextFile(`${dir}/deno.json`, JSON.stringify({ imports: { "@std/fmt": "npm:chalk@5" } }));
  await Deno.writeTextFile(`${dir}/greeter.ts`, PLUGIN);
  await Deno.writeTextFile(`${dir}/agent.yaml`, CONFIG);
  for (const file of ["deno.json", "greeter.ts", "agent.yaml"]) await Deno.chmod(`${dir}/${file}`, 0o644);
  return dir;
}
