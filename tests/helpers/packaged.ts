/**
 * `deno task package` for tests: builds the named entry points into a fresh temporary directory (never
 * dist/, which another test file may be writing at the same time) and returns the directory.
 */
import assert from "node:assert/strict";
import { ROOT } from "./wca_process.ts";

export async function packageInto(names: readonly string[]): Promise<string> {
  const out = await Deno.makeTempDir({ prefix: "wca-packaged-" });
  const build = await new Deno.Command(Deno.execPath(), {
    args: ["task", "package", "--out", out, ...names],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  assert.equal(build.code, 0, `deno task package failed:\n${decoder.decode(build.stderr)}`);
  for (const name of names) assert.ok(Deno.statSync(`${out}/${name}`).isFile, `${out}/${name} was built`);
  return out;
}

/** Directories of `path` that hold an executable named `command`. */
export function onPath(command: string, path: string): string[] {
  return path.split(":").filter((dir) => {
    try {
      return Deno.statSync(`${dir}/${command}`).isFile;
    } catch {
      return false;
    }
  });
}
