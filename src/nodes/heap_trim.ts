/**
 * After a large answer, memory goes back to the kernel. The body's buffers live outside V8's heap and
 * are freed only when V8 collects their wrappers, which a small heap rarely does (measured: 30 MiB of
 * such buffers still held 20 s after a 66 MB answer); glibc then keeps the freed pages. So after a large
 * answer, and after the next few requests, a full garbage collection runs and the C heap is trimmed
 * (malloc_trim). Without FFI (no libc) only the collection is done. docs/orchestrators.md has figures.
 */
import v8 from "node:v8";
import vm from "node:vm";
import { Libc } from "../../ffi/mod.ts";

/** Answers of at least this many bytes are followed by trims (a 250-pod kubelet answer is ~1.8 MB). */
export const TRIM_AFTER_BYTES = 8 * 1024 * 1024;
/** Requests after a large answer that are followed by a trim too. */
const TRIMS = 3;

export class HeapTrim {
  #libc: Libc | null | undefined;
  #gc: (() => void) | undefined;
  #left = 0;

  /** A request finished having read `bytes`; trims when a large answer was read lately. */
  after(bytes: number): void {
    if (bytes >= TRIM_AFTER_BYTES) this.#left = TRIMS;
    if (this.#left === 0) return;
    this.#left--;
    if (this.#libc === undefined) {
      try {
        this.#libc = new Libc();
      } catch {
        // No FFI permission or no glibc: the memory comes back when the allocator reuses it.
        this.#libc = null;
      }
    }
    this.#gc ??= fullGc();
    this.#gc();
    this.#libc?.trimHeap();
  }

  close(): void {
    this.#libc?.unload();
    this.#libc = undefined;
  }
}

/** V8's full collection, as --expose-gc gives it (set at run time, so the agent needs no extra flag). */
function fullGc(): () => void {
  try {
    v8.setFlagsFromString("--expose-gc");
    const gc: unknown = vm.runInNewContext("gc");
    if (typeof gc === "function") return gc as () => void;
  } catch {
    // A runtime without it: the next collection comes when V8 decides.
  }
  return () => {};
}
