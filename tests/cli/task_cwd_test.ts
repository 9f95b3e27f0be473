/**
 * `deno task wca` runs in the repository root; paths the user gives (-c, -r, a relative output_filename)
 * are resolved against the directory the user ran it in, which Deno passes as INIT_CWD.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { ROOT, ROOT_FLAG } from "../helpers/wca_process.ts";
import { spawnUntil } from "../helpers/spawned.ts";

Deno.test("deno task wca from another directory: -c, -r and output_filename are the user's relative paths", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wca_task_cwd_" });
  const output = `wca_task_cwd_${crypto.randomUUID()}.prom`;
  try {
    await Deno.writeTextFile(
      `${dir}/agent.yaml`,
      `runner: !MeasurementRunner\n  node: !StaticNode\n    tasks: []\n  metrics_storage: !FilterStorage\n` +
        `    storages:\n      - !LogStorage\n        output_filename: ${output}\n        overwrite: true\n` +
        `      - !Marker {}\n`,
    );
    await Deno.writeTextFile(
      `${dir}/marker.ts`,
      `export class Marker {\n  store(): Promise<void> {\n    console.log("stored");\n    return Promise.resolve();\n  }\n}\n`,
    );
    await Deno.chmod(`${dir}/agent.yaml`, 0o644);
    await Deno.chmod(`${dir}/marker.ts`, 0o644);
    const run = await spawnUntil(
      Deno.execPath(),
      [
        "task",
        "--config",
        `${ROOT}deno.json`,
        "wca",
        "--",
        "-c",
        "agent.yaml",
        "-r",
        "marker.ts:Marker",
        ...ROOT_FLAG,
      ],
      {
        cwd: dir,
        // As typed in a shell: under `deno task test` this process has INIT_CWD, which deno task would keep.
        unsetEnv: ["INIT_CWD"],
        until: ({ stdout }) => stdout.includes("stored") && existsSync(`${dir}/${output}`),
      },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(await Deno.readTextFile(`${dir}/${output}`), /^wca_up\{/m);
    assert.ok(!existsSync(`${ROOT}${output}`), "nothing is written in the repository root");
  } finally {
    await Deno.remove(`${ROOT}${output}`).catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});
