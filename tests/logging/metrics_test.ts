import assert from "node:assert/strict";
import { LogHub } from "../../src/logging/hub.ts";
import { logCountMetrics } from "../../src/logging/metrics.ts";

Deno.test("log counts become wca_warning_count and wca_error_count per module", () => {
  const hub = new LogHub({ write: () => {} });
  hub.getLogger("wca.storage").warning("slow");
  hub.getLogger("wca.storage").error("failed");
  hub.getLogger("wca.storage").error("failed again");
  assert.deepEqual(logCountMetrics(hub).map((m) => [m.name, m.value, m.labels.module]), [
    ["wca_warning_count", 1, "wca.storage"],
    ["wca_error_count", 2, "wca.storage"],
  ]);
});
