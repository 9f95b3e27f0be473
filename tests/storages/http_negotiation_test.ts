/** HTTPMetricsStorage: health paths and OpenMetrics negotiation, over real HTTP on loopback. */
import assert from "node:assert/strict";
import { encodeMetrics, metric } from "../../src/metrics/mod.ts";
import {
  HEALTH_PATHS,
  HTTPMetricsStorage,
  OPENMETRICS_CONTENT_TYPE,
  prefersOpenMetrics,
  PROMETHEUS_CONTENT_TYPE,
} from "../../src/storages/http_storage.ts";

/** The Accept header Prometheus 2.x sends by default (scrape/scrape.go). */
const PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;" +
  "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

Deno.test("prefersOpenMetrics: reads the Accept header", () => {
  const cases: [string | undefined, boolean][] = [
    [undefined, false],
    ["", false],
    ["*/*", false],
    ["text/plain", false],
    [PROMETHEUS_ACCEPT, true],
    ["application/openmetrics-text; version=1.0.0", true],
    ["application/openmetrics-text", true],
    ['Application/OpenMetrics-Text; Version="1.0.0"', true],
    ["application/openmetrics-text;version=0.0.1", false],
    ["application/openmetrics-text;version=2.0.0,text/plain;q=0.5", false],
    ["application/openmetrics-text;q=0.4,text/plain;version=0.0.4;q=0.5", false],
    ["application/openmetrics-text;q=0.5,text/plain;q=0.5", true],
    ["application/openmetrics-text;q=0", false],
    ["application/openmetrics-text;q=abc", false],
  ];
  for (const [header, expected] of cases) assert.equal(prefersOpenMetrics(header), expected, String(header));
});

Deno.test("HTTPMetricsStorage: /-/healthy and /healthz answer 200 with a short body, before and after a batch", async () => {
  const storage = new HTTPMetricsStorage({}, undefined, { port: 0 });
  try {
    const base = storage.url.replace(/\/metrics$/, "");
    assert.deepEqual(HEALTH_PATHS, ["/-/healthy", "/healthz"]);
    for (const round of [0, 1]) {
      if (round === 1) storage.store([metric("wca_tasks", 1)]);
      for (const path of [...HEALTH_PATHS] as string[]) {
        const response: Response = await fetch(base + path);
        assert.equal(response.status, 200, path);
        assert.equal(await response.text(), "OK\n");
        const head = await fetch(base + path, { method: "HEAD" });
        assert.equal(head.status, 200);
        assert.equal(await head.text(), "");
        const post = await fetch(base + path, { method: "POST" });
        assert.equal(post.status, 405);
        await post.body?.cancel();
      }
    }
  } finally {
    await storage.close();
  }
});

Deno.test("HTTPMetricsStorage: OpenMetrics to a scraper that asks for it, the text format otherwise", async () => {
  const storage = new HTTPMetricsStorage({}, undefined, { port: 0 });
  try {
    const batch = [
      metric("wca_storage_write_errors_total", 2, { storage: "LogStorage", output: "/x" }),
      metric("task_cycles", 5, { task_id: "t" }),
      metric("wca_tasks", 1),
    ];
    storage.store(batch);
    const om = await fetch(storage.url, { headers: { accept: PROMETHEUS_ACCEPT } });
    assert.equal(om.headers.get("content-type"), OPENMETRICS_CONTENT_TYPE);
    assert.equal(om.headers.get("vary"), "Accept, Accept-Encoding");
    const text = await om.text();
    assert.equal(text, encodeMetrics(batch, { timestamps: false, format: "openmetrics" }));
    assert.ok(text.endsWith("\n# EOF\n"));
    assert.match(text, /^# TYPE wca_storage_write_errors counter$/m);
    assert.match(text, /^wca_storage_write_errors_total\{output="\/x",storage="LogStorage"\} 2$/m);
    assert.match(text, /^# TYPE task_cycles unknown$/m);
    for (const accept of [undefined, "text/plain;version=0.0.4", "*/*"]) {
      const classic = await fetch(storage.url, { headers: accept ? { accept } : {} });
      assert.equal(classic.headers.get("content-type"), PROMETHEUS_CONTENT_TYPE, String(accept));
      assert.equal(await classic.text(), encodeMetrics(batch, { timestamps: false }));
    }
  } finally {
    await storage.close();
  }
});

Deno.test("HTTPMetricsStorage: include_timestamp prints milliseconds in the text format, seconds in OpenMetrics", async () => {
  const storage = new HTTPMetricsStorage({ include_timestamp: true }, undefined, {
    port: 0,
    now: () => 1_600_000_000_250,
  });
  try {
    storage.store([metric("wca_tasks", 1)]);
    const om = await (await fetch(storage.url, { headers: { accept: PROMETHEUS_ACCEPT } })).text();
    assert.match(om, /^wca_tasks 1 1600000000\.25$/m);
    const classic = await (await fetch(storage.url)).text();
    assert.match(classic, /^wca_tasks 1 1600000000250$/m);
  } finally {
    await storage.close();
  }
});
