/**
 * Runs a test file in a `deno test` process of its own. `deno test --parallel` runs other test files in
 * this process, so anything that counts this process's fds (/proc/self/fd) must run alone. Isolated files
 * are named `*_isolated.ts`, which `deno test` does not pick up by itself.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

export async function runIsolated(file: URL): Promise<void> {
  const path = fileURLToPath(file);
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", "--frozen", path],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, `${path} failed on its own:\n${text}`);
  assert.match(text, /ok \| [1-9]\d* passed \| 0 failed/, `${path} ran no tests:\n${text}`);
}
