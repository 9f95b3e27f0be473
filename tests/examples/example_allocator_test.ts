import assert from "node:assert/strict";
import { checkAllocationResult } from "../../src/allocators/check_result.ts";
import { registerFrom, Registry } from "../../src/components/mod.ts";
import type { Allocator } from "../../src/components/interfaces.ts";
import { platformWith, tasksDataOf } from "../helpers/snapshots.ts";
import { ROOT } from "../helpers/wca_process.ts";

Deno.test("ExampleAllocator: registered by -r module; caps only best-effort tasks; a valid answer", async () => {
  const registry = new Registry({});
  assert.deepEqual(await registerFrom(registry, `${ROOT}examples/example_allocator.ts`), [
    "ExampleAllocator",
  ]);
  const cls = registry.get("ExampleAllocator")! as unknown as { schema: { parse(v: unknown): unknown } };
  const allocator = new (cls as unknown as new (p: unknown) => Allocator)(cls.schema.parse({}));
  const tasks = tasksDataOf({
    be: { labels: { tier: "best-effort" } },
    lc: { labels: { tier: "latency-critical" } },
    none: {},
  });
  const result = checkAllocationResult(await allocator.allocate(platformWith([{ cpus: [0, 1] }]), tasks));
  assert.deepEqual([...(result.allocations as Map<string, unknown>)], [["be", {
    cpu_quota: 0.25,
    cpu_shares: 0.5,
  }]]);
  assert.equal(result.metrics?.[0]?.value, 1, "one task newly capped");
});
