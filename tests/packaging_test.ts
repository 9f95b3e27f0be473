/** Every entry point packages: `deno task bundle` builds it, and the bundle runs the hello world. */
import assert from "node:assert/strict";
import { ENTRY_POINTS } from "../.ci/package.ts";
import { ROOT, ROOT_FLAG, runWca } from "./helpers/wca_process.ts";
import { userProject } from "./helpers/plugin_project.ts";
import { spawnUntil } from "./helpers/spawned.ts";

Deno.test("deno task bundle builds every entry point; the bundled wca runs the hello world, the wrappers and the consumer start", async () => {
  const build = await new Deno.Command(Deno.execPath(), {
    args: ["task", "bundle"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(build.code, 0, new TextDecoder().decode(build.stderr));
  for (const entry of ENTRY_POINTS) {
    const info = await Deno.stat(`${ROOT}dist/${entry.name}.js`);
    assert.ok(info.size > 10_000, `dist/${entry.name}.js is ${info.size} bytes`);
  }
  const run = await runWca(
    [
      "-c",
      "configs/extending/hello_world.yaml",
      "-r",
      "examples/hello_world_runner.ts:HelloWorldRunner",
      ...ROOT_FLAG,
    ],
    {},
    "dist/wca.js",
  );
  assert.equal(run.stdout, "Hello world!\n", run.stderr);
  assert.equal(run.code, 0);
  // The single-file agent, copied away from the checkout, runs a plugin of another project under -r.
  const project = await userProject();
  try {
    await Deno.copyFile(`${ROOT}dist/wca.js`, `${project}/wca.js`);
    const plugin = await spawnUntil(
      Deno.execPath(),
      ["run", "-A", "wca.js", "-c", "agent.yaml", "-r", "greeter.ts", ...ROOT_FLAG],
      { cwd: project, until: ({ stdout }) => stdout.includes("greetings from outside: true") },
    );
    assert.equal(plugin.code, 0, plugin.stderr);
    assert.match(plugin.stdout, /^greetings from outside: true$/m);
  } finally {
    await Deno.remove(project, { recursive: true });
  }
  // Each workload wrapper's bundle starts and names itself.
  for (const entry of ENTRY_POINTS.filter((e) => e.name.startsWith("wrapper"))) {
    const wrapper = await new Deno.Command(Deno.execPath(), {
      args: ["run", ...entry.permissions, `dist/${entry.name}.js`, "--version"],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(wrapper.stdout);
    assert.equal(wrapper.code, 0, new TextDecoder().decode(wrapper.stderr));
    assert.ok(stdout.startsWith(`${entry.name} `), stdout);
  }

  // The bundled Kafka consumer loads (kafkajs and node: built-ins included) with its own permissions.
  const consumer = ENTRY_POINTS.find((entry) => entry.name === "wca-kafka-consumer")!;
  const help = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...consumer.permissions, "dist/wca-kafka-consumer.js", "--help"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(help.code, 0, new TextDecoder().decode(help.stderr));
  assert.match(new TextDecoder().decode(help.stdout), /^Usage: wca-kafka-consumer --topic TOPIC/);
});
