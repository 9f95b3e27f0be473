/**
 * A private tmpfs of a given size on a fresh temporary directory: a real full disk (ENOSPC) or a real
 * read-only filesystem (EROFS), failures that root cannot step around as it steps around mode bits.
 * Needs root (mount); fails loudly, never skips, when mount is refused.
 */
export interface Tmpfs {
  readonly dir: string;
  /** Remounts read-only (or back to read-write). */
  remount(readOnly: boolean): Promise<void>;
}

async function run(args: string[]): Promise<void> {
  const out = await new Deno.Command(args[0]!, { args: args.slice(1), stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(`${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
}

export async function withTmpfs<T>(sizeBytes: number, body: (fs: Tmpfs) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "wca-tmpfs-" });
  try {
    await run(["mount", "-t", "tmpfs", "-o", `size=${sizeBytes},mode=0755`, "wca-test", dir]);
    try {
      return await body({
        dir,
        remount: (readOnly) => run(["mount", "-o", `remount,${readOnly ? "ro" : "rw"}`, dir]),
      });
    } finally {
      await run(["umount", dir]);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
