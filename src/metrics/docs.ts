/**
 * Renders docs/metrics.md from the metric catalog, so the list of metrics cannot drift from the code.
 * Regenerate with: deno run src/metrics/docs.ts > docs/metrics.md
 */
import { type Catalog, catalogNames, METRIC_CATALOG } from "./catalog.ts";

const HEADER = `# Metrics

<!-- Generated from src/metrics/catalog.ts; do not edit by hand.
     Regenerate with: deno run src/metrics/docs.ts > docs/metrics.md -->

Every metric the agent emits, as printed in the Prometheus text format by the storages. Names and types follow
the original Workload Collocation Agent, so existing dashboards and alerts keep working.

Labels: every metric carries \`host\` and the labels from the configuration; task metrics also carry \`task_id\`,
\`task_name\` and the task's orchestrator labels (e.g. \`application\`, \`application_version_name\`); per-CPU and
per-NUMA-node metrics carry \`cpu\` or \`numa_node\`.

Sources are given relative to their filesystem: procfs, sysfs and the cgroup hierarchy (v1 and v2).
`;

const FOOTER = `
## Output format notes

- \`LogStorage\` prints families sorted by name, samples sorted by label values in natural order (\`cpu="2"\`
  before \`cpu="10"\`), with a blank line between families.
- With \`overwrite: true\` the file is replaced atomically (temporary file in the same directory, then rename)
  and has no timestamps by default, which is what node_exporter's textfile collector requires (it rejects
  files with timestamps). Give such a file a \`.prom\` name.
- \`filter_labels\` removes the listed label names from every metric before printing, e.g. to drop
  high-cardinality orchestrator labels. If removing a label makes two series identical the batch is refused
  with a "duplicate series" error, so only remove labels that do not tell series apart.
- The counters keep WCA's names: without the \`_total\` suffix, and \`wca_error_count\`/\`wca_warning_count\` end in
  \`_count\`. \`promtool check metrics\` reports these as lint warnings (exit code 3), not parse errors.

## Labels of the multi-series metrics

- \`platform_vmstat{key}\`: one series per /proc/vmstat key the \`vmstat\` option matches (a regular expression
  matched at the start of the key, as Python's \`re.match\`; \`true\` = every key, \`false\` = none).
  \`platform_node_vmstat{numa_node,key}\`: the same keys per NUMA node.
- \`platform_zoneinfo{numa_node,zone,key}\`: one series per line of /proc/zoneinfo the \`zoneinfo\` line pattern
  takes (two groups: key, value; default \`\\s+([a-z_]+)\\s+(\\d+)\`). \`pages free N\` is read as key \`free\`; the
  node counters printed under \`per-node stats\` carry \`zone="per-node-stats"\`.
- Uncore counts, \`platform_scaling_uncore_factor\` and the derived bandwidths and \`platform_dram_hit_ratio\`
  carry \`socket\` and \`pmu_type\` (one memory channel or UPI link); \`platform_rpq_read_latency_seconds\` carries
  \`socket\` only.
- \`wca_duration_seconds{function}\` and \`wca_duration_seconds_avg{function}\`: function is one of iteration,
  node, platform, tasks, store and each measurement source (perf, uncore, rdt).

## Deliberate differences from WCA

- \`platform_vmstat\` is one gauge family for every key, counters and amounts alike, as in WCA; wca no longer
  prints one \`platform_vmstat_<key>\` family per key (earlier wca versions did). The six always-on
  \`platform_vmstat_*\` counters are printed whatever \`vmstat\` says, as in WCA.
- \`platform_vmstat_numa_hint_faults\` is the \`numa_hint_faults\` key exactly: WCA matched key prefixes, so its
  value was overwritten by \`numa_hint_faults_local\`.
- \`platform_rpq_read_latency_seconds\` is in seconds (occupancy per insert divided by the memory clock rate);
  WCA's formula left out the interval and gave a number without a unit.
- \`task_requested_cpus\`/\`task_requested_mem_bytes\` are printed only when the task's resources hold
  \`cpus\`/\`mem\` as a number (or a numeric string); WCA printed them the same way, from the orchestrator's
  resources.
- Metrics of WCA features that wca does not implement yet are not printed: \`task_wss_referenced_bytes\`
  (working set size), \`task_sched_stat\` (\`sched\`), \`platform_dimm_*\`, \`platform_mem_mode_size_bytes\`,
  \`platform_nvdimm_*\` (\`gather_hw_mm_topology\`).
`;

/** Table cells must not contain a raw pipe or newline. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** A markdown table with padded columns, as `deno fmt` lays it out (so the file passes fmt --check). */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    rows.reduce((widest, row) => Math.max(widest, row[column]!.length), title.length)
  );
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** The whole docs/metrics.md text for `catalog`. */
export function renderMetricsDoc(catalog: Catalog = METRIC_CATALOG): string {
  const rows = catalogNames(catalog).map((name) => {
    const entry = catalog[name]!;
    return [`\`${name}\``, entry.type, cell(entry.unit), cell(entry.source), cell(entry.help)];
  });
  const table = renderTable(["Name", "Type", "Unit", "Source", "Description"], rows);
  return `${HEADER}\n${table}\n${FOOTER}`;
}

async function writeAll(text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  let written = 0;
  while (written < bytes.length) written += await Deno.stdout.write(bytes.subarray(written));
}

if (import.meta.main) {
  await writeAll(renderMetricsDoc());
}
