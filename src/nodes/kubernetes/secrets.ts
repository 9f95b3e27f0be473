/**
 * The service-account bearer token: a secret. Checked at load (present, readable, not empty; a warning
 * when group or others may read it), re-read on every request because the kubelet rotates projected
 * tokens in place, and never put into a message.
 */
import type { Logger } from "../../logging/mod.ts";

/** Why a token file cannot be used, or undefined. Never includes the contents. */
function tokenProblem(path: string, text: string): string | undefined {
  const token = text.trim();
  if (token === "") return `client_token_path ${path} is empty`;
  // A line break or control character would forge HTTP headers.
  // deno-lint-ignore no-control-regex
  if (/[\x00-\x1f\x7f]/.test(token)) return `client_token_path ${path} holds control characters`;
  return undefined;
}

function readProblem(path: string, error: unknown): string {
  const reason = error instanceof Deno.errors.NotFound
    ? "it does not exist (outside a pod, set client_token_path)"
    : error instanceof Deno.errors.PermissionDenied
    ? "permission denied"
    : (error as Error).message;
  return `client_token_path ${path} cannot be read: ${reason}`;
}

/** Checks the token file at load; throws an Error naming the path and the problem. */
export function checkTokenFile(path: string, log: Logger): void {
  readToken(path);
  const mode = Deno.statSync(path).mode;
  // Not refused: Kubernetes mounts service-account tokens 0644 by default, so refusing would break
  // every in-cluster deployment that did not set defaultMode; the manifest in deploy/ sets 0400.
  if (mode !== null && (mode & 0o044) !== 0) {
    log.warning(
      `client_token_path ${path} is readable by group or others (mode ${(mode & 0o777).toString(8)}); ` +
        "anyone who can read it can act as this agent's service account (set defaultMode: 0400 on the " +
        "token volume, or chmod 600 it)",
    );
  }
}

/** The token for one request; throws an Error (without the token) when it cannot be used now. */
export function readToken(path: string): string {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    throw new Error(readProblem(path, error));
  }
  const problem = tokenProblem(path, text);
  if (problem) throw new Error(problem);
  return text.trim();
}
