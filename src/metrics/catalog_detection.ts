/** Catalog entries of detection (anomalies) and of the NUMAAllocator's own `numa__*` metrics. */
import { type Catalog, entry } from "./catalog_entry.ts";

const DETECTION = "detectors (DetectionRunner, AllocationRunner)";
const NUMA = "allocators: NUMAAllocator";

export const DETECTION_CATALOG: Catalog = Object.freeze({
  anomaly: entry(
    "counter",
    "numeric",
    DETECTION,
    "Always 1: one series per contending task of a contention anomaly, labelled by uuid, type, resource, " +
      "contended_task_id, contending_task_id, contending_workload_instance and the contended task's labels.",
  ),
  anomaly_count: entry(
    "counter",
    "numeric",
    DETECTION,
    "Anomalies the detector (or allocator) reported since the agent started.",
  ),
  anomaly_last_occurrence: entry(
    "counter",
    "timestamp",
    DETECTION,
    "Unix time in seconds of the last iteration that reported an anomaly; absent until one does.",
  ),
});

export const NUMA_ALLOCATOR_CATALOG: Catalog = Object.freeze({
  numa__task_current_node: entry(
    "gauge",
    "numeric",
    NUMA,
    "NUMA node the task's cpuset_cpus pins it to (exactly that node's CPUs), or -1 when it is not pinned.",
  ),
  numa__balanced_memory_tasks: entry(
    "gauge",
    "numeric",
    NUMA,
    "Tasks pinned to one NUMA node, labelled by numa_node.",
  ),
  numa__balanced_memory_size: entry(
    "gauge",
    "bytes",
    NUMA,
    "Sum of the memory sizes (requested memory, else cgroup limits or usage) of the tasks pinned to one " +
      "NUMA node, labelled by numa_node.",
  ),
  numa__task_tasks_count: entry("gauge", "numeric", NUMA, "Tasks the NUMAAllocator considered."),
  numa__task_pages_to_move: entry(
    "counter",
    "numeric",
    NUMA,
    "Pages the allocator asked migrate_pages to move for the task since it first saw the task.",
  ),
  // A gauge: it drops when a task goes away.
  numa__total_pages_to_move: entry(
    "gauge",
    "numeric",
    NUMA,
    "Pages the allocator asked migrate_pages to move, summed over the tasks that still exist.",
  ),
});
