import assert from "node:assert/strict";
import { DerivedLabels, MAX_DERIVED } from "../../src/metrics/derived_labels.ts";
import { metric } from "../../src/metrics/metric.ts";
import { MetricsEncoder } from "../../src/metrics/prometheus.ts";

Deno.test("DerivedLabels: the same frozen object for the same base and pairs; a new base starts afresh", () => {
  const derived = new DerivedLabels();
  const base = { host: "n1" };
  const a = derived.of(base, "numa_node", "0", "key", "nr_free_pages");
  assert.deepEqual(a, { host: "n1", numa_node: "0", key: "nr_free_pages" });
  assert.ok(Object.isFrozen(a));
  assert.equal(derived.of(base, "numa_node", "0", "key", "nr_free_pages"), a);
  assert.notEqual(derived.of(base, "numa_node", "1", "key", "nr_free_pages"), a);
  // Pairs are joined unambiguously: ("a", "b\u0000c") is not ("a\u0000b", "c").
  assert.notEqual(derived.of(base, "k", "v"), derived.of(base, "k", "v", "x", "y"));
  const other = { host: "n2" };
  const b = derived.of(other, "numa_node", "0", "key", "nr_free_pages");
  assert.equal(b.host, "n2");
  assert.equal(derived.of(base), derived.of(base), "no pairs: a frozen copy of the base, kept too");
});

Deno.test("DerivedLabels: past MAX_DERIVED distinct pair sets it starts over instead of growing", () => {
  const derived = new DerivedLabels();
  const base = {};
  const first = derived.of(base, "i", "0");
  for (let i = 1; i <= MAX_DERIVED; i++) derived.of(base, "i", String(i));
  assert.notEqual(derived.of(base, "i", "0"), first, "the first entry was dropped");
  assert.deepEqual(derived.of(base, "i", "0"), first);
});

Deno.test("metric() keeps a frozen labels object (its text is made once per encoder) and copies others", () => {
  const frozen = Object.freeze({ cpu: "0" });
  assert.equal(metric("platform_cpu_usage", 1, frozen).labels, frozen);
  const open: Record<string, string> = { cpu: "0" };
  const made = metric("platform_cpu_usage", 1, open);
  open.cpu = "1";
  assert.equal(made.labels.cpu, "0");
  // The encoder's output is the same either way.
  const encoder = new MetricsEncoder();
  const text = (labels: Record<string, string>) =>
    new TextDecoder().decode(
      encoder.render(encoder.prepare([metric("platform_cpu_usage", 1, labels)]), {
        timestamps: false,
        now: 0,
      }),
    );
  assert.equal(text(frozen), text({ cpu: "0" }));
});
