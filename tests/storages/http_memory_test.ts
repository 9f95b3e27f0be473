import { runIsolated } from "../helpers/isolated.ts";

Deno.test("HTTPMetricsStorage: a burst of 2,000 idle connections, in a process of its own", () =>
  runIsolated(new URL("./http_memory_isolated.ts", import.meta.url)));
