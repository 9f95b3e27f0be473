/**
 * A metric's labels as the text format prints them, made once per label set: names sorted and checked,
 * values escaped, the `{a="1",b="2"}` text as UTF-8 bytes. A task's metrics share one frozen labels
 * object, and the runner keeps that object while the task's labels do not change, so an encoder that
 * remembers label sets by object builds a task's label text once, not once per sample per iteration.
 */
import type { Labels } from "./metric.ts";
import {
  compareNatural,
  describeValue,
  escapeLabelValue,
  failMetric,
  LABEL_NAME_PATTERN,
} from "./text_format.ts";

export interface LabelSet {
  /** Sorted label names and their values, interleaved: [name0, value0, name1, value1, …]. */
  readonly pairs: readonly string[];
  /** `{a="1",b="2"}` in UTF-8; empty without labels. */
  readonly bytes: Uint8Array;
  /** Position in the sorted label sets of the batch being prepared (scratch, set by the encoder). */
  rank: number;
}

const EMPTY = new Uint8Array(0);

/** Insertion sort: label sets are small, and this beats Array#sort's generic comparator several-fold. */
function sortSmall(keys: string[]): string[] {
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

/** `{a="1",b="2"}`, or "" without labels. */
export function labelText(pairs: readonly string[]): string {
  let out = "";
  for (let i = 0; i < pairs.length; i += 2) {
    out += (i === 0 ? "{" : ",") + pairs[i] + '="' + escapeLabelValue(pairs[i + 1]!) + '"';
  }
  return pairs.length === 0 ? out : out + "}";
}

/** The text format's order of label sets: by name, then value in natural order, pair by pair. */
export function compareLabelSets(a: LabelSet, b: LabelSet): number {
  const pa = a.pairs;
  const pb = b.pairs;
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i += 2) {
    const na = pa[i]!;
    const nb = pb[i]!;
    if (na !== nb) return na < nb ? -1 : 1;
    const va = pa[i + 1]!;
    const vb = pb[i + 1]!;
    if (va !== vb) return compareNatural(va, vb);
  }
  return pa.length - pb.length;
}

/**
 * Label sets by labels object. Only frozen objects are remembered (a frozen object cannot change, so
 * its text stays right); the WeakMap lets a vanished task's text go with its labels.
 */
export class LabelSets {
  readonly #known = new WeakMap<Labels, LabelSet>();
  readonly #validNames = new Set<string>();
  readonly #utf8 = new TextEncoder();

  /** The label set of `labels`; throws MetricEncodingError (naming `metricName`) for invalid labels. */
  of(labels: Labels | undefined, metricName: string): LabelSet {
    if (labels === undefined || labels === null) return this.#make({}, metricName);
    let set = this.#known.get(labels);
    if (set === undefined) {
      set = this.#make(labels, metricName);
      if (Object.isFrozen(labels)) this.#known.set(labels, set);
    }
    return set;
  }

  #make(labels: Labels, metricName: string): LabelSet {
    const keys = sortSmall(Object.keys(labels));
    const pairs: string[] = new Array(keys.length * 2);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      this.#checkName(metricName, key);
      const value: unknown = labels[key];
      if (typeof value !== "string") {
        failMetric(metricName, `label "${key}" has a non-string value (${describeValue(value)})`);
      }
      pairs[2 * i] = key;
      pairs[2 * i + 1] = value;
    }
    const bytes = pairs.length === 0 ? EMPTY : this.#utf8.encode(labelText(pairs));
    return { pairs, bytes, rank: 0 };
  }

  #checkName(metricName: string, label: string): void {
    if (this.#validNames.has(label)) return;
    if (!LABEL_NAME_PATTERN.test(label)) {
      failMetric(
        metricName,
        `invalid label name ${JSON.stringify(label)}: must match [a-zA-Z_][a-zA-Z0-9_]*`,
      );
    }
    if (label.startsWith("__")) {
      failMetric(
        metricName,
        `invalid label name ${JSON.stringify(label)}: names starting with "__" are reserved`,
      );
    }
    this.#validNames.add(label);
  }
}
