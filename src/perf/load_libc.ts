/** Loads libc for perf counting, turning a failure (no FFI permission, no glibc) into a StartupError. */
import { Libc } from "../../ffi/mod.ts";
import { StartupError } from "../sources/contract.ts";

export function loadLibc(): Libc {
  try {
    return new Libc();
  } catch (error) {
    throw new StartupError((error as Error).message);
  }
}
