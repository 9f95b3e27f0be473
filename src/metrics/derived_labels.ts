/**
 * Frozen label objects derived from one base (the common labels) plus a few pairs, the same object for
 * the same pairs from one iteration to the next. Encoders remember a label set's text by its (frozen)
 * object, so platform series such as `platform_vmstat{key=…}` cost their label text once, not every
 * iteration. A new base object starts afresh; the pairs come from kernel files with bounded key sets
 * (CPUs, NUMA nodes, zones, vmstat keys), and a runaway set is dropped at MAX_DERIVED.
 */
import type { Labels } from "./metric.ts";

/** More distinct pair sets than any host's kernel files give: past it, the cache starts over. */
export const MAX_DERIVED = 100_000;

export class DerivedLabels {
  #base: Labels | undefined;
  readonly #known = new Map<string, Labels>();

  /** `base` with `pairs` (name, value, name, value, …) added, frozen; the same object for equal input. */
  of(base: Labels, ...pairs: string[]): Labels {
    if (base !== this.#base) {
      this.#base = base;
      this.#known.clear();
    }
    const key = pairs.join("\u0000");
    let labels = this.#known.get(key);
    if (labels === undefined) {
      const made: Record<string, string> = { ...base };
      for (let i = 0; i + 1 < pairs.length; i += 2) made[pairs[i]!] = pairs[i + 1]!;
      labels = Object.freeze(made);
      if (this.#known.size >= MAX_DERIVED) this.#known.clear();
      this.#known.set(key, labels);
    }
    return labels;
  }
}
