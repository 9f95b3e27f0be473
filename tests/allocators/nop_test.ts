import assert from "node:assert/strict";
import { checkAllocationResult } from "../../src/allocators/check_result.ts";
import { NOPAllocator } from "../../src/allocators/nop.ts";
import { platformWith, tasksDataOf } from "../helpers/snapshots.ts";
import { loadAllocator } from "./_config.ts";

Deno.test("NOPAllocator: a valid, empty result from the config loader; unknown fields are errors", async () => {
  const allocator = loadAllocator("!NOPAllocator\n");
  assert.ok(allocator instanceof NOPAllocator);
  const result = checkAllocationResult(
    await allocator.allocate(platformWith([{ cpus: [0, 1] }]), tasksDataOf({ t1: {} })),
  );
  assert.equal((result.allocations as Map<string, unknown>).size, 0);
  assert.throws(() => loadAllocator("!NOPAllocator {rules: []}\n"), /Unknown field 'rules' in !NOPAllocator/);
});
