/**
 * deploy/grafana/wca.json read the way Grafana reads it: the panels' Prometheus queries, with the
 * dashboard's variables expanded, and the WCA metric families each query names.
 */
import { METRIC_CATALOG } from "../../src/metrics/catalog.ts";
import { PERF_CATALOG } from "../../src/metrics/catalog_perf.ts";
import { RDT_CATALOG } from "../../src/metrics/catalog_rdt.ts";
import { UNCORE_CATALOG } from "../../src/metrics/catalog_uncore.ts";
import { resolveEvents } from "../../src/perf/events.ts";

export const DASHBOARD_PATH = new URL("../../deploy/grafana/wca.json", import.meta.url);

export interface PanelQuery {
  panel: string;
  refId: string;
  expr: string;
}

interface Target {
  refId?: string;
  expr?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  type: string;
  title?: string;
  targets?: Target[];
  panels?: Panel[];
}
export interface Dashboard {
  schemaVersion: number;
  templating: { list: { name: string; type: string; query: unknown; definition?: string }[] };
  panels: Panel[];
}

export function loadDashboard(): Dashboard {
  return JSON.parse(Deno.readTextFileSync(DASHBOARD_PATH)) as Dashboard;
}

/** Every query of every panel (rows' nested panels too), failing on a panel without a Prometheus query. */
export function panelQueries(dashboard: Dashboard): PanelQuery[] {
  const queries: PanelQuery[] = [];
  const visit = (panel: Panel) => {
    if (panel.type === "row") return (panel.panels ?? []).forEach(visit);
    const title = panel.title ?? "(untitled)";
    if (!panel.targets?.length) throw new Error(`panel "${title}" has no queries`);
    for (const target of panel.targets) {
      if (!target.expr) throw new Error(`panel "${title}" query ${target.refId} has no expr`);
      if (target.datasource?.uid !== "${datasource}") {
        throw new Error(`panel "${title}" query ${target.refId} does not use the $datasource variable`);
      }
      queries.push({ panel: title, refId: target.refId ?? "?", expr: target.expr });
    }
  };
  dashboard.panels.forEach(visit);
  return queries;
}

/** Regex metacharacters escaped, as Grafana does for a single value in `=~`. */
function regexEscape(value: string): string {
  return value.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&");
}

/**
 * The query Grafana sends: `$host` → the host (escaped for `=~`), `$__rate_interval` → `rateInterval`
 * (Grafana makes it at least four scrape intervals). A variable left unexpanded is an error.
 */
export function expand(expr: string, vars: { host: string; rateInterval: string }): string {
  const out = expr.replaceAll("$__rate_interval", vars.rateInterval).replaceAll(
    "$host",
    regexEscape(vars.host),
  );
  const left = out.match(/\$\{?\w+/);
  if (left) throw new Error(`unknown variable ${left[0]} in ${expr}`);
  return out;
}

/** The catalog's metric families an expression names (identifiers that are catalog names). */
export function familiesIn(expr: string): string[] {
  const names = expr.replace(/"[^"]*"/g, "").match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  return [...new Set(names.filter((name) => name in METRIC_CATALOG))];
}

/** What of the hardware the metrics read this host has, from its own files. */
export interface HostHardware {
  /** /sys/fs/resctrl is mounted (RDT or AMD PQoS). */
  resctrlMounted: boolean;
  /** /proc/pressure exists (PSI). */
  psi: boolean;
  /** The uncore PMU families in /sys/devices (uncore_imc, uncore_upi …). */
  uncorePmus: ReadonlySet<string>;
}

export function hostHardware(): HostHardware {
  const present = (path: string) => {
    try {
      Deno.statSync(path);
      return true;
    } catch {
      return false;
    }
  };
  const uncorePmus = new Set<string>();
  for (const entry of Deno.readDirSync("/sys/devices")) {
    const family = entry.name.match(/^(uncore_[a-z]+)(_\d+)?$/)?.[1];
    if (family) uncorePmus.add(family);
  }
  return { resctrlMounted: present("/sys/fs/resctrl/info"), psi: present("/proc/pressure/cpu"), uncorePmus };
}

/** The uncore PMU family an uncore metric is counted on. */
export function uncorePmuOf(family: string): string {
  return family.includes("upi") ? "uncore_upi" : "uncore_imc";
}

/**
 * Why a family may be missing from wca's output on this host: the hardware it is read from, which the
 * host lacks, or undefined when its absence can only be a defect.
 */
export function hardwareOf(family: string, host: HostHardware): string | undefined {
  // Software perf events count on any machine (given the perf_event cgroup controller): never excused.
  if (resolveEvents([family], "skylake").events[0]?.kind === "software") return undefined;
  // Hardware perf events the CPU does not count are left out by wca with a warning (ENOENT on a VM).
  if (family in PERF_CATALOG) return "hardware perf counters";
  if (family in UNCORE_CATALOG && !host.uncorePmus.has(uncorePmuOf(family))) {
    return `${uncorePmuOf(family)} PMU`;
  }
  const rdt = family in RDT_CATALOG || family.startsWith("allocation_rdt_");
  if (rdt && !host.resctrlMounted) return "RDT (resctrl)";
  if (family.includes("_pressure_") && !host.psi) return "PSI (/proc/pressure)";
  return undefined;
}

/** The metric family names of a Prometheus or OpenMetrics text (sample names, `_total` kept). */
export function familiesOfText(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const name = line.match(/^[a-zA-Z_:][a-zA-Z0-9_:]*/)?.[0];
    if (name) names.add(name);
  }
  return names;
}
