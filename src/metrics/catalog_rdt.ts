/** Catalog entries of Intel RDT (resctrl) monitoring. */
import type { Catalog } from "./catalog_entry.ts";

export const RDT_CATALOG: Catalog = Object.freeze({});
