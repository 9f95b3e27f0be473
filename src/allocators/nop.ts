/** The allocator that allocates nothing: AllocationRunner then only measures and reports current allocations. */
import type { AllocationResult } from "../components/decisions.ts";
import type { Allocator } from "../components/interfaces.ts";
import type { Platform, TasksData } from "../components/snapshot.ts";
import { params } from "../config/schema.ts";

export class NOPAllocator implements Allocator {
  static readonly schema = params({});
  static readonly description = "An allocator that changes nothing.";

  allocate(_platform: Platform, _tasksData: TasksData): AllocationResult {
    return { allocations: new Map(), anomalies: [], metrics: [] };
  }
}
