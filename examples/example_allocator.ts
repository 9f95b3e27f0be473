/**
 * An external allocator: gives every task whose `tier` label is "best-effort" a quarter of the machine's
 * CPU time and half the default shares, and leaves the others alone. It shows what an allocator reads
 * (the tasks' labels and current allocations) and returns (allocations by task id, optional metrics).
 *
 *   npx -y deno@2.9.6 task wca -- -c configs/allocation/example_allocator.yaml -r examples/example_allocator.ts --root
 */
import {
  type AllocationResult,
  number,
  params,
  type Platform,
  register,
  type TaskAllocations,
  type TasksData,
  text,
  type z,
} from "../src/mod.ts";

const schema = params({
  label: text(256).default("tier").describe("The task label that says which tier a task is in."),
  best_effort: text(256).default("best-effort").describe("The label value of best-effort tasks."),
  cpu_quota: number(0, 1).default(0.25).describe("Share of the machine a best-effort task may use."),
});

@register
export class ExampleAllocator {
  static readonly schema = schema;
  static readonly description = "Caps best-effort tasks (an example allocator).";
  readonly #params: z.infer<typeof schema>;

  constructor(parameters: z.infer<typeof schema>) {
    this.#params = parameters;
  }

  allocate(_platform: Platform, tasksData: TasksData): AllocationResult {
    const allocations = new Map<string, TaskAllocations>();
    let capped = 0;
    for (const [taskId, data] of tasksData) {
      if (data.labels[this.#params.label] !== this.#params.best_effort) continue;
      // Already capped (read back from the system this iteration): asking again writes nothing anyway.
      if (data.allocations?.cpu_quota !== this.#params.cpu_quota) capped++;
      allocations.set(taskId, { cpu_quota: this.#params.cpu_quota, cpu_shares: 0.5 });
    }
    return {
      allocations,
      metrics: [{ name: "example_newly_capped_tasks", value: capped, type: "gauge", labels: {} }],
    };
  }
}
