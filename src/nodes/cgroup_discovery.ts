/**
 * What a CgroupNode found and, when it found nothing, why: pure, so every case is table-tested. The
 * node says it at start and again whenever `key` changes, not every iteration.
 */

export interface DiscoveryFacts {
  /** The hierarchy tasks are looked up in, e.g. /sys/fs/cgroup/cpuacct. */
  readonly mountPoint: string;
  readonly present: readonly string[];
  readonly missing: readonly string[];
  readonly depth: number;
  /** Distinct cgroups `depth` levels below the present parents. */
  readonly candidates: number;
  /** Of those, the ones include/exclude let through. */
  readonly matched: number;
  readonly tasks: number;
  readonly requirePids: boolean;
  readonly filtered: boolean;
  /** Top-level cgroups of the hierarchy, named when no parent exists so the operator sees what is there. */
  readonly topLevel: readonly string[];
}

export interface DiscoveryReport {
  /** Changes when the answer changes meaningfully: which parents exist, and why there are (no) tasks. */
  readonly key: string;
  readonly found: boolean;
  readonly message: string;
}

const TOP_LEVEL_SHOWN = 5;

/** `1 task`, `2 tasks`. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function levels(depth: number): string {
  return depth === 1 ? "1 level" : `${depth} levels`;
}

function topLevelNote(names: readonly string[]): string {
  if (!names.length) return "it has no child cgroups";
  const shown = names.slice(0, TOP_LEVEL_SHOWN).map((name) => `/${name}`).join(", ");
  const more = names.length > TOP_LEVEL_SHOWN ? ` and ${names.length - TOP_LEVEL_SHOWN} more` : "";
  return `its top-level cgroups are ${shown}${more}`;
}

export function describeDiscovery(facts: DiscoveryFacts): DiscoveryReport {
  const where = `in ${facts.mountPoint}`;
  const missing = facts.missing.length ? `; missing: ${facts.missing.join(", ")}` : "";
  const below = `${levels(facts.depth)} below ${facts.present.join(", ")} ${where}`;
  let reason: string;
  let message: string;
  if (!facts.present.length) {
    reason = "no-parent";
    message = `no tasks: none of the parents exists ${where} (${facts.missing.join(", ")}); ` +
      `${topLevelNote(facts.topLevel)}. Set CgroupNode's parents to the cgroups whose children are tasks`;
  } else if (facts.candidates === 0) {
    reason = "no-cgroup";
    message = `no tasks: no cgroup ${below}${missing}`;
  } else if (facts.matched === 0) {
    reason = "filtered";
    message = `no tasks: ${
      plural(facts.candidates, "cgroup")
    } ${below}, none matches include/exclude${missing}`;
  } else if (facts.tasks === 0) {
    reason = "no-pids";
    message = `no tasks: ${plural(facts.matched, "cgroup")} ${below}, none with processes ` +
      `(require_pids: true)${missing}`;
  } else {
    reason = "found";
    const kind = facts.requirePids ? "cgroups with processes" : "cgroups";
    const filter = facts.filtered ? " that match include/exclude" : "";
    message = `${plural(facts.tasks, "task")}: ${kind}${filter} ${below}${missing}`;
  }
  return {
    key: `${reason} ${JSON.stringify(facts.present)} ${facts.mountPoint}`,
    found: reason === "found",
    message: `CgroupNode: ${message}`,
  };
}
