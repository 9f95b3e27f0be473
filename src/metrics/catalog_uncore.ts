/** Catalog entries of the uncore PMU counters and the platform bandwidth derived from them. */
import type { Catalog } from "./catalog_entry.ts";

export const UNCORE_CATALOG: Catalog = Object.freeze({});
