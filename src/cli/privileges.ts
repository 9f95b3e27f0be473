/** The agent does not run as root unless told to: least privilege by default. */

export const ROOT_REFUSAL = `wca: refusing to run as root without --root (-0).
A non-root agent needs:
  - CAP_DAC_OVERRIDE: to write cgroup and resctrl files (allocations, resctrl monitoring groups);
  - CAP_PERFMON (or kernel.perf_event_paranoid at 0 or -1): to count perf events per cgroup and uncore;
  - for RDT monitoring of other users' tasks: root (--root); the kernel lets only an effective uid 0
    or a thread's owner move it into a resctrl group;
  - read access to the config file and to /proc and /sys.
See docs/security.md ("Running as a non-root user") for a systemd unit that grants exactly these.
If running as root is what you want, add --root.`;

/** Returns the refusal text when running as root without consent, else undefined. */
export function checkPrivileges(uid: number | null, allowRoot: boolean): string | undefined {
  return uid === 0 && !allowRoot ? ROOT_REFUSAL : undefined;
}
