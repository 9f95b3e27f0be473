/** "Reported once" warnings, keyed by item and topic. */
import type { Logger } from "./hub.ts";

/**
 * Warns once per item and topic (a pod's missing cgroup, a task without perf counters, a refused RDT
 * thread) until the item is fine again or no longer listed; repeats go to debug.
 */
export class OnceLog {
  readonly #log: Pick<Logger, "warning" | "debug">;
  /** item key → topics warned about. */
  readonly #warned = new Map<string, Set<string>>();

  constructor(log: Pick<Logger, "warning" | "debug">) {
    this.#log = log;
  }

  warn(key: string, message: string, topic = ""): void {
    const topics = this.#warned.get(key) ?? new Set<string>();
    if (topics.has(topic)) {
      this.#log.debug(message);
      return;
    }
    topics.add(topic);
    this.#warned.set(key, topics);
    this.#log.warning(`${message} (reported once)`);
  }

  /** The item is fine again: a new problem with it (in `topic`) is worth a new warning. */
  clear(key: string, topic = ""): void {
    this.#warned.get(key)?.delete(topic);
  }

  /** Forgets items no longer listed, so the map does not grow with every pod ever seen. */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.#warned.keys()) if (!keys.has(key)) this.#warned.delete(key);
  }
}
