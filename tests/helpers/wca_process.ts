/** Runs the agent as a subprocess, the way a user meets it. */
import { fileURLToPath } from "node:url";
import { ENTRY_POINTS } from "../../.ci/package.ts";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The same permissions the packaged agent gets. */
const PERMISSIONS: readonly string[] = ENTRY_POINTS.find((entry) => entry.name === "wca")!.permissions;
export const IS_ROOT = Deno.uid() === 0;
/** As root the agent refuses to start without --root; tests that are not about that pass it. */
export const ROOT_FLAG = IS_ROOT ? ["--root"] : [];

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runWca(
  args: string[],
  env: Record<string, string> = {},
  script = "src/main.ts",
): Promise<Run> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMISSIONS, script, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code: output.code, stdout: decoder.decode(output.stdout), stderr: decoder.decode(output.stderr) };
}
