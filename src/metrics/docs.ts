/**
 * Renders docs/metrics.md from the metric catalog, so the list of metrics cannot drift from the code.
 * Regenerate with: deno run src/metrics/docs.ts > docs/metrics.md
 */
import { type Catalog, catalogNames, METRIC_CATALOG } from "./catalog.ts";
import { parityOf, WCA_FAMILIES, WCA_OWN } from "./wca_parity.ts";

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
  return `${HEADER}\n${table}\n${FOOTER}${renderComparison(catalog)}`;
}

const OTHER_DIFFERENCES = `### Other behaviour compared with WCA

- Perf counts scaled by \`time_enabled / time_running\` are whole numbers, rounded, as WCA printed them. A group
  that was enabled but never got a hardware counter (\`time_running\` 0) gives **no sample** for that task and
  event; WCA printed 0 with a scaling factor of 1.0, which reads as "no events" when nothing was counted.
  Absent is what Prometheus understands as unknown (\`absent()\`, gaps in graphs).
- Kubernetes on the systemd cgroup driver: Guaranteed pods are found where the kubelet puts them,
  \`/kubepods.slice/kubepods-pod<uid>.slice\`, not under a QoS slice of their own.
- Kubernetes on the cgroupfs driver: a pod's cgroup is also looked for under its uid without dashes (as some
  kubelets named static pods' cgroups), as WCA did.
- Mesos labels: \`org.apache.\` and then \`aurora.metadata.\` are dropped, as WCA did
  (\`org.apache.aurora.metadata.app_name\` is \`app_name\`), and any other character Prometheus refuses becomes
  \`_\`.
- \`platform_vmstat\` is one family per kind for every key (no \`platform_vmstat_<key>\` family per key); the six
  always-on \`platform_vmstat_*\` counters are printed whatever \`vmstat\` says, as in WCA.
- \`task_requested_cpus\`/\`task_requested_mem_bytes\` are printed only when the task's resources hold
  \`cpus\`/\`mem\` as a number (or a numeric string), as WCA did.
`;

/** Family by family: WCA's unchanged, WCA's with a difference (and why), wca's own (and why). */
export function renderComparison(catalog: Catalog = METRIC_CATALOG): string {
  const names = catalogNames(catalog);
  const unchanged = names.filter((name) => parityOf(name) === "unchanged");
  const differ = names.flatMap((name) => {
    const parity = parityOf(name);
    return typeof parity === "object" ? [[`\`${name}\``, cell(parity.what), cell(parity.why)]] : [];
  });
  const own = names.filter((name) => parityOf(name) === "own").map((
    name,
  ) => [`\`${name}\``, cell(ownReason(name))]);
  const absent = Object.keys(WCA_FAMILIES).filter((name) => !Object.hasOwn(catalog, name)).sort();
  return [
    "## Compared with WCA",
    "",
    `### WCA's families, unchanged (${unchanged.length})`,
    "",
    wrap(
      `Same name, type, labels and unit as WCA printed them: ${
        unchanged.map((name) => `\`${name}\``).join(", ")
      }.`,
    ),
    "",
    `### WCA's families that differ (${differ.length})`,
    "",
    renderTable(["Family", "In wca", "Why"], differ),
    "",
    `### wca's own families (${own.length})`,
    "",
    renderTable(["Family", "Why"], own),
    "",
    `### WCA's families wca does not print (${absent.length})`,
    "",
    absent.length === 0 ? "None." : wrap(`${absent.map((name) => `\`${name}\``).join(", ")}.`),
    "",
    OTHER_DIFFERENCES,
  ].join("\n");
}

/** Greedy fill at the docs' line width (110), as deno fmt wraps prose, so the output stays fmt-clean. */
function wrap(text: string, width = 110): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  return [...lines, line].join("\n");
}

function ownReason(name: string): string {
  return WCA_OWN[name] ?? "not classified: add it to WCA_OWN in src/metrics/wca_parity.ts";
}

async function writeAll(text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  let written = 0;
  while (written < bytes.length) written += await Deno.stdout.write(bytes.subarray(written));
}

if (import.meta.main) {
  await writeAll(renderMetricsDoc());
}
