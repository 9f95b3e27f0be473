/** The libc file calls with each call counted, for tests that check how many system calls a read costs. */
import type { Libc } from "../../ffi/mod.ts";
import type { FileCalls } from "../../src/platform/open_files.ts";

export interface CallCounts {
  open: number;
  pread: number;
  close: number;
}

/** libc with every call counted by name. */
export function countingCalls(libc: Libc): FileCalls & { counts: CallCounts; reset(): void } {
  const counts: CallCounts = { open: 0, pread: 0, close: 0 };
  return {
    counts,
    reset() {
      counts.open = counts.pread = counts.close = 0;
    },
    open(path) {
      counts.open++;
      return libc.open(path);
    },
    pread(fd, buffer, offset) {
      counts.pread++;
      return libc.pread(fd, buffer, offset);
    },
    close(fd) {
      counts.close++;
      libc.close(fd);
    },
  };
}
