/** errno values (the same on x86-64 and arm64, from include/uapi/asm-generic/errno*.h) and their names. */

export const ERRNO = Object.freeze({
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
  ENOSPC: 28,
  E2BIG: 7,
  ELOOP: 40,
  ENOTEMPTY: 39,
  ENXIO: 6,
  EOPNOTSUPP: 95,
});

const NAMES: ReadonlyMap<number, string> = new Map(Object.entries(ERRNO).map(([name, n]) => [n, name]));

/** "ENOENT" for 2; "errno 123" for numbers without a name here. */
export function errnoName(errno: number): string {
  return NAMES.get(errno) ?? `errno ${errno}`;
}

/** A failed libc call: which call, the errno, its name, and the C library's text for it. */
export class ErrnoError extends Error {
  override readonly name = "ErrnoError";
  constructor(readonly call: string, readonly errno: number, readonly description: string) {
    super(`${call}: ${errnoName(errno)} (${description})`);
  }
  get code(): string {
    return errnoName(this.errno);
  }
}
