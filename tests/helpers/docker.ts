/**
 * The real Docker daemon for tests: started if it is not running (overlay2, the cgroupfs driver, as
 * docs/operations.md sets it up), and `docker` CLI calls. A daemon a test starts keeps running after it:
 * it is the machine's, like an installed package.
 */
import assert from "node:assert/strict";
import { withFileLock } from "./file_lock.ts";

const decoder = new TextDecoder();

export interface DockerResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function docker(...args: string[]): Promise<DockerResult> {
  const output = await new Deno.Command("docker", { args, stdin: "null", stdout: "piped", stderr: "piped" })
    .output();
  return {
    code: output.code,
    out: decoder.decode(output.stdout).trim(),
    err: decoder.decode(output.stderr).trim(),
  };
}

/** `docker ARGS`, failing the test with docker's message when it fails. */
export async function dockerOk(...args: string[]): Promise<string> {
  const result = await docker(...args);
  assert.equal(result.code, 0, `docker ${args.join(" ")}: ${result.err}`);
  return result.out;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Makes sure dockerd answers; starts it (once, machine-wide) if it does not. */
export async function ensureDockerd(): Promise<void> {
  if ((await docker("info", "--format", "{{.ServerVersion}}")).code === 0) return;
  await withFileLock("/tmp/wca-test-dockerd.lock", async () => {
    if ((await docker("info", "--format", "{{.ServerVersion}}")).code === 0) return;
    const daemon = new Deno.Command("sh", {
      args: [
        "-c",
        "exec dockerd --storage-driver overlay2 --exec-opt native.cgroupdriver=cgroupfs >>/var/log/wca-test-dockerd.log 2>&1",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "null",
      detached: true,
    }).spawn();
    daemon.unref();
    for (let i = 0; i < 120; i++) {
      if ((await docker("info", "--format", "{{.ServerVersion}}")).code === 0) return;
      await delay(500);
    }
    throw new Error("dockerd did not answer within 60 s (see /var/log/wca-test-dockerd.log)");
  });
}
