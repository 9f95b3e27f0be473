/**
 * A machine-wide exclusive lock on a file under /tmp, for tests that change or depend on state every
 * test process on the host shares (the perf_event binding, the CPUs' load). Released when `body` ends.
 */
export async function withFileLock<T>(path: string, body: () => Promise<T>): Promise<T> {
  const file = await Deno.open(path, { create: true, write: true });
  try {
    await file.lock(true);
    return await body();
  } finally {
    file.close(); // releases the lock
  }
}
