/** What the orchestrator nodes (KubernetesNode, MesosNode) share: the !SSL parameter, response limits, change logs. */
import { SSL } from "../components/ssl.ts";
import type { Task } from "../components/task.ts";
import { z } from "../config/schema.ts";
import type { Logger } from "../logging/mod.ts";

/**
 * A PodList of a full node (110 pods) is a few MB; GET_STATE of a busy agent likewise. Anything far
 * larger is not an answer we can use within one interval.
 */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** An optional `ssl: !SSL` (checked structurally too: a plugin may bring its own copy of the class). */
export function sslParam() {
  return z.custom<SSL>(
    (value) =>
      value instanceof SSL ||
      (typeof value === "object" && value !== null && typeof (value as SSL).tlsOptions === "function"),
    { error: "expected an !SSL component" },
  ).optional();
}

/** At debug, which tasks came and went since the last answer; at info, the first answer's count. */
export class TaskChanges {
  readonly #log: Logger;
  readonly #what: string;
  #known: ReadonlySet<string> | undefined;

  constructor(log: Logger, what: string) {
    this.#log = log;
    this.#what = what;
  }

  update(tasks: readonly Task[]): void {
    const ids = new Set(tasks.map((task) => task.task_id));
    const known = this.#known;
    this.#known = ids;
    if (known === undefined) {
      this.#log.info(`${this.#what}: ${tasks.length} task${tasks.length === 1 ? "" : "s"}`);
      return;
    }
    if (!this.#log.isEnabledFor("DEBUG")) return;
    const byId = new Map(tasks.map((task) => [task.task_id, task.name]));
    const added = [...ids].filter((id) => !known.has(id)).map((id) => byId.get(id) ?? id);
    const gone = [...known].filter((id) => !ids.has(id));
    if (added.length || gone.length) {
      this.#log.debug(
        `${this.#what}: ${tasks.length} tasks; new: ${added.join(", ") || "none"}; gone: ` +
          `${gone.join(", ") || "none"}`,
      );
    }
  }
}
