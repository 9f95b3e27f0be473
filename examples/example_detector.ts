/**
 * The original WCA's external detector example (ExampleDetector): always reports that task1 suffers CPU contention from task2 and
 * task3, with a threshold metric on the anomaly and one debugging metric.
 *
 *   deno task wca -- -c my.yaml -r examples/example_detector.ts:ExampleDetector
 *   deno task wca -- -c my.yaml -r examples/example_detector.ts     (register marks the class)
 *
 * with `detector: !ExampleDetector {task_id: some_task_id}` under a DetectionRunner.
 */
import {
  boolean,
  ContendedResource,
  type DetectionResult,
  params,
  type Platform,
  register,
  type TasksData,
  text,
  type z,
} from "../src/mod.ts";

const schema = params({
  task_id: text(256).default("task1").describe(
    "The task reported as contended (the original WCA's always said task1).",
  ),
  skew: boolean().default(false).describe(
    "The original WCA's Mesos example sets it: report the threshold 10% higher (a visible change, nothing more).",
  ),
});

@register
export class ExampleDetector {
  static readonly schema = schema;
  static readonly description = "Always reports a CPU contention anomaly (an example detector).";
  readonly #taskId: string;
  readonly #threshold: number;

  constructor(parameters: z.infer<typeof schema>) {
    this.#taskId = parameters.task_id;
    this.#threshold = parameters.skew ? 73.26 : 66.6;
  }

  detect(_platform: Platform, _tasksData: TasksData): DetectionResult {
    return {
      anomalies: [{
        resource: ContendedResource.CPUS,
        contended_task_id: this.#taskId,
        contending_task_ids: ["task2", "task3"],
        metrics: [{ name: "a_threshold", value: this.#threshold, type: "gauge", labels: {} }],
      }],
      // The original WCA's label was the number 2; label values are strings.
      metrics: [{ name: "some_debug", value: 2, labels: { version: "2" } }],
    };
  }
}
