/**
 * The agent's refusals at start, as docs/security.md and docs/operations.md quote them: configs and -r
 * modules that someone other than root could change, and code the trust rule cannot check. Each refusal is
 * the real agent's exit, in a temporary directory whose path the documentation writes as /etc/wca-demo or
 * /opt/wca-demo.
 */
import { ROOT } from "../helpers/wca_process.ts";
import { inTempDir, type Scenarios, wcaRefusal, writeFile } from "./scenario_kit.ts";

const CONFIG = "runner: !MeasurementRunner\n  node: !CgroupNode {}\n";
const HELLO_WORLD = `${ROOT}configs/extending/hello_world.yaml`;
const RUNNER = "export class HelloWorldRunner {}\n";

/** `dir/name` made with `mode` (the umask left out) and `owner:group`. */
function mkdir(path: string, mode = 0o755, uid = 0, gid = 0): string {
  Deno.mkdirSync(path, { recursive: true });
  Deno.chmodSync(path, mode);
  Deno.chownSync(path, uid, gid);
  return path;
}

/** A plugin directory `dir/demo/plugins` holding `files` (name → [text, mode]); the docs call it /opt/wca-demo/plugins. */
function plugins(dir: string, files: Record<string, readonly [string, number]>, dirMode = 0o755, gid = 0) {
  const at = mkdir(`${mkdir(`${dir}/demo`)}/plugins`, dirMode, 0, gid);
  for (const [name, [text, mode]] of Object.entries(files)) writeFile(`${at}/${name}`, text, mode);
  return at;
}

/** Runs every refusal in its own directory (all at once); each directory is written `as` in the output. */
async function refusals(
  cases: ReadonlyArray<(dir: string) => string[]>,
  as: string,
): Promise<{ output: string; replacements: [string, string][] }> {
  return await inTempDir(async (root) => {
    const dirs = cases.map((_, i) => mkdir(`${root}/${i}`));
    const outputs = await Promise.all(cases.map((args, i) => wcaRefusal(dirs[i]!, args(dirs[i]!))));
    return { output: outputs.join("\n"), replacements: dirs.map((dir) => [`${dir}/demo`, as]) };
  });
}

export const TRUST_SCENARIOS: Scenarios = {
  "config-not-trusted": () =>
    inTempDir(async (dir) => {
      writeFile(`${dir}/agent.yaml`, CONFIG, 0o664);
      Deno.chownSync(`${dir}/agent.yaml`, 0, 1000);
      return {
        output: await wcaRefusal(dir, ["-c", `${dir}/agent.yaml`]),
        replacements: [[dir, "/etc/wca"]],
      };
    }),

  "module-not-trusted": () =>
    inTempDir(async (dir) => {
      writeFile(`${dir}/x.ts`, "export class X {}\n", 0o666);
      return {
        output: await wcaRefusal(dir, ["-c", HELLO_WORLD, "-r", `${dir}/x.ts:X`]),
        replacements: [[dir, "/opt"]],
      };
    }),

  "config-too-large": () =>
    inTempDir(async (dir) => {
      const head = "runner: !MeasurementRunner\n  node: !CgroupNode {}\n#";
      writeFile(`${dir}/wca.yaml`, head + "x".repeat(4 * 1024 * 1024 + 1 - head.length)); // one byte too many
      return { output: await wcaRefusal(dir, ["-c", `${dir}/wca.yaml`]), replacements: [[dir, "/etc/wca"]] };
    }),

  "config-trust-refusals": () =>
    refusals([
      (dir) => {
        writeFile(`${mkdir(`${dir}/demo`)}/agent.yaml`, CONFIG, 0o666);
        return ["-c", `${dir}/demo/agent.yaml`];
      },
      (dir) => {
        writeFile(`${mkdir(`${dir}/demo`)}/agent.yaml`, CONFIG);
        Deno.chownSync(`${dir}/demo/agent.yaml`, 1000, 1000);
        return ["-c", `${dir}/demo/agent.yaml`];
      },
      (dir) => {
        writeFile(`${mkdir(`${dir}/demo`, 0o777)}/agent.yaml`, CONFIG);
        return ["-c", `${dir}/demo/agent.yaml`];
      },
    ], "/etc/wca-demo"),

  "module-trust-refusals": () =>
    refusals([
      (dir) => {
        const at = plugins(dir, {
          "m.ts": [`import "./helper.ts";\n${RUNNER}`, 0o644],
          "helper.ts": ["export const help = 1;\n", 0o666],
        });
        return ["-c", HELLO_WORLD, "-r", `${at}/m.ts:HelloWorldRunner`];
      },
      (dir) => {
        const at = plugins(dir, { "m.ts": [RUNNER, 0o644] }, 0o775, 1000);
        return ["-c", HELLO_WORLD, "-r", `${at}/m.ts:HelloWorldRunner`];
      },
    ], "/opt/wca-demo"),

  "code-not-checkable": () =>
    refusals([
      () => ["-c", HELLO_WORLD, "-r", "https://example.com/m.ts:HelloWorldRunner"],
      () => ["-c", HELLO_WORLD, "-r", `data:application/javascript,${RUNNER.trim()}:HelloWorldRunner`],
      () => ["-c", HELLO_WORLD, "-r", "npm:wca-plugin@1.0.0:HelloWorldRunner"],
      ...[
        'import "npm:left-pad@1.3.0";\n',
        'import "left-pad";\n',
        'const name = "./other.ts";\nawait import(name);\n',
      ].map((imports) => (dir: string) => {
        const at = plugins(dir, { "m.ts": [imports + RUNNER, 0o644] });
        return ["-c", HELLO_WORLD, "-r", `${at}/m.ts:HelloWorldRunner`];
      }),
    ], "/opt/wca-demo"),
};
