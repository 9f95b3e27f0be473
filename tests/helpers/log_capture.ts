/**
 * Captures the log lines this test process writes while `body` runs: the process hub writes finished
 * lines to standard error, so a test can count exactly the warnings it caused (one test file per
 * process worker, and its tests run one at a time).
 */
export async function captureLogLines<T>(body: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const stderr = Deno.stderr as { writeSync: (data: Uint8Array) => number };
  const original = stderr.writeSync;
  const decoder = new TextDecoder();
  const lines: string[] = [];
  stderr.writeSync = (data: Uint8Array) => {
    lines.push(...decoder.decode(data).split("\n").filter(Boolean));
    return original.call(Deno.stderr, data);
  };
  try {
    return { result: await body(), lines };
  } finally {
    stderr.writeSync = original;
  }
}
