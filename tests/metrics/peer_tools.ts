/**
 * Real peer programs the tests run. A missing program is a failure, not a skip: CI must not go green
 * without having checked our output against them.
 */

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class MissingToolError extends Error {
  override readonly name = "MissingToolError";
}

function missing(binary: string, debianPackage: string): MissingToolError {
  return new MissingToolError(
    `${binary} not found on PATH: install the Debian package '${debianPackage}' (apt-get install ${debianPackage})`,
  );
}

/** A Deno.Command for `binary`, throwing MissingToolError when it cannot be started. */
export function spawnTool(
  binary: string,
  debianPackage: string,
  options: Deno.CommandOptions,
): Deno.ChildProcess {
  try {
    return new Deno.Command(binary, options).spawn();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw missing(binary, debianPackage);
    throw error;
  }
}

/** Runs `binary args` with `input` on stdin and collects its output. */
export async function runTool(
  binary: string,
  debianPackage: string,
  args: string[],
  input: string,
): Promise<ToolResult> {
  const child = spawnTool(binary, debianPackage, { args, stdin: "piped", stdout: "piped", stderr: "piped" });
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

/** `promtool check metrics` on `text` (Debian package: prometheus). */
export function promtoolCheckMetrics(text: string): Promise<ToolResult> {
  return runTool("promtool", "prometheus", ["check", "metrics"], text);
}
