/**
 * Numbers that differ between CPU architectures: the perf_event_open and migrate_pages syscalls and
 * open(2) flags. Sources: arch/x86/entry/syscalls/syscall_64.tbl and include/uapi/asm-generic/unistd.h
 * (arm64), and the fcntl.h of each architecture (O_DIRECTORY and O_NOFOLLOW differ).
 */

export interface ArchConstants {
  readonly perfEventOpenSyscall: number;
  readonly migratePagesSyscall: number;
  readonly O_RDONLY: number;
  readonly O_DIRECTORY: number;
  readonly O_CLOEXEC: number;
  readonly O_NOFOLLOW: number;
  readonly O_NONBLOCK: number;
  readonly O_WRONLY: number;
  readonly O_TRUNC: number;
  readonly O_APPEND: number;
}

const ARCHES: Readonly<Record<string, ArchConstants>> = Object.freeze({
  x86_64: Object.freeze({
    perfEventOpenSyscall: 298,
    migratePagesSyscall: 256,
    O_RDONLY: 0,
    O_DIRECTORY: 0o200000,
    O_CLOEXEC: 0o2000000,
    O_NOFOLLOW: 0o400000,
    O_NONBLOCK: 0o4000,
    O_WRONLY: 1,
    O_TRUNC: 0o1000,
    O_APPEND: 0o2000,
  }),
  aarch64: Object.freeze({
    perfEventOpenSyscall: 241,
    migratePagesSyscall: 238,
    O_RDONLY: 0,
    O_DIRECTORY: 0o40000,
    O_CLOEXEC: 0o2000000,
    O_NOFOLLOW: 0o100000,
    O_NONBLOCK: 0o4000,
    O_WRONLY: 1,
    O_TRUNC: 0o1000,
    O_APPEND: 0o2000,
  }),
});

/** The constants of `arch` (Deno.build.arch's spelling); throws for an architecture wca does not know. */
export function archConstants(arch: string = Deno.build.arch): ArchConstants {
  const found = Object.hasOwn(ARCHES, arch) ? ARCHES[arch] : undefined;
  if (!found) {
    throw new Error(
      `perf counters and migrate_pages are not supported on ${arch}: wca knows x86_64 and aarch64`,
    );
  }
  return found;
}
