/** The agent does not run as root unless told to: least privilege by default. */

export const ROOT_REFUSAL = `wca: refusing to run as root without --root (-0).
A non-root agent needs:
  - CAP_DAC_OVERRIDE: to write cgroup and resctrl files (allocations, resctrl monitoring groups);
  - CAP_SETUID: to move tasks into resctrl groups;
  - /proc/sys/kernel/perf_event_paranoid set to 0 or -1: to open perf counters for other users' tasks;
  - read access to the config file and to /proc and /sys.
See the README ("Running as a non-root user") for a systemd unit that grants exactly these.
If running as root is what you want, add --root.`;

/** Returns the refusal text when running as root without consent, else undefined. */
export function checkPrivileges(uid: number | null, allowRoot: boolean): string | undefined {
  return uid === 0 && !allowRoot ? ROOT_REFUSAL : undefined;
}
