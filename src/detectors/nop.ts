/** The detector that finds nothing: for running DetectionRunner's measuring and storing alone. */
import type { DetectionResult } from "../components/decisions.ts";
import type { AnomalyDetector } from "../components/interfaces.ts";
import type { Platform, TasksData } from "../components/snapshot.ts";
import { params } from "../config/schema.ts";

export class NOPAnomalyDetector implements AnomalyDetector {
  static readonly schema = params({});
  static readonly description = "A detector that reports no anomalies and no metrics.";

  detect(_platform: Platform, _tasksData: TasksData): DetectionResult {
    return { anomalies: [], metrics: [] };
  }
}
