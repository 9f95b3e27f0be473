/** Open file descriptors of this process, for tests that check resources are released. */
export function openFdCount(): number {
  return [...Deno.readDirSync("/proc/self/fd")].length;
}
