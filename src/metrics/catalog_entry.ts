/** The shape of one metric catalog entry, shared by the catalog's parts. */
import type { MetricType } from "./metric.ts";

export interface CatalogEntry {
  readonly help: string;
  readonly type: MetricType;
  /** A word: "bytes", "seconds", "timestamp", "numeric", "userhz" … */
  readonly unit: string;
  /** Where the value comes from, for people reading the docs. */
  readonly source: string;
}

export type Catalog = Readonly<Record<string, CatalogEntry>>;

export const INTERNAL = "internal";

export function entry(type: MetricType, unit: string, source: string, help: string): CatalogEntry {
  return Object.freeze({ help, type, unit, source });
}
