import assert from "node:assert/strict";
import { parseZoneinfo, readZoneinfo } from "../../../src/platform/procfs/zoneinfo.ts";
import { PlatformParseError } from "../../../src/platform/parse.ts";
import { defaultHostPaths } from "../../../src/platform/host_paths.ts";
import { readOnlineNodes } from "../../../src/platform/sysfs/node_online.ts";
import { fixturePaths, SCENARIOS } from "../_helpers.ts";

const REAL = `Node 0, zone      DMA
  per-node stats
      nr_inactive_anon 987
      nr_mapped    2687
  pages free     3840
        boost    0
        min      53
        spanned  4095
        protection: (0, 3019, 4683, 4683, 4683)
      nr_free_pages 3840
      numa_hit     0
  pagesets
    cpu: 0
              count:    0
              high:     0
              high_min: 33
  vm stats threshold: 4
    cpu: 1
              count:    7
  vm stats threshold: 4
  node_unreclaimable:  0
  start_pfn:           1
Node 0, zone  Movable
  pages free     0
        min      32
        protection: (0, 0, 0, 0, 0)
Node 1, zone   Normal
  per-node stats
      nr_inactive_anon 5
  pages free     10
      nr_free_pages 10
`;

Deno.test("parseZoneinfo: zones, per-node stats, pagesets skipped", () => {
  const info = parseZoneinfo(REAL);
  assert.deepEqual(info.zones.map((z) => [z.node, z.zone]), [[0, "DMA"], [0, "Movable"], [1, "Normal"]]);
  assert.deepEqual({ ...info.zones[0]!.values }, {
    free: 3840,
    boost: 0,
    min: 53,
    spanned: 4095,
    nr_free_pages: 3840,
    numa_hit: 0,
    node_unreclaimable: 0,
    start_pfn: 1,
  });
  assert.deepEqual({ ...info.zones[1]!.values }, { free: 0, min: 32 });
  assert.deepEqual({ ...info.nodes.get(0) }, { nr_inactive_anon: 987, nr_mapped: 2687 });
  assert.deepEqual({ ...info.nodes.get(1) }, { nr_inactive_anon: 5 });
});

Deno.test("parseZoneinfo: empty and malformed input", () => {
  assert.deepEqual(parseZoneinfo("").zones, []);
  const table: Array<[string, RegExp]> = [
    ["  pages free 1\n", /^zoneinfo:1: expected "Node N, zone NAME"/],
    ["Node 0, zone DMA\n  pages free x\n", /^zoneinfo:2: expected an integer for pages free/],
    ["Node 0, zone DMA\n  nr_free_pages 1 2\n", /^zoneinfo:2: unrecognised line "nr_free_pages 1 2"/],
    ["Node x, zone DMA\n", /^zoneinfo:1: expected "Node N, zone NAME"/],
  ];
  for (const [text, message] of table) {
    assert.throws(
      () => parseZoneinfo(text),
      (e: unknown) => e instanceof PlatformParseError && message.test(e.message),
      text,
    );
  }
});

Deno.test("readZoneinfo on fixtures: every online node has zones and node stats", () => {
  for (const scenario of SCENARIOS) {
    const paths = fixturePaths(scenario);
    const info = readZoneinfo(paths);
    for (const node of readOnlineNodes(paths)) {
      assert.ok(info.zones.some((z) => z.node === node && z.zone === "Normal"), `${scenario} node ${node}`);
      assert.ok((info.nodes.get(node)?.["nr_inactive_anon"] ?? -1) >= 0, `${scenario} node ${node}`);
    }
    const normal = info.zones.find((z) => z.zone === "Normal")!;
    assert.equal(normal.values["free"], normal.values["nr_free_pages"], scenario);
  }
});

Deno.test("real /proc/zoneinfo", () => {
  const paths = defaultHostPaths();
  const info = readZoneinfo(paths);
  assert.ok(info.zones.length > 0);
  for (const node of readOnlineNodes(paths)) assert.ok(info.nodes.has(node));
  assert.ok(info.zones.every((z) => typeof z.values["free"] === "number"));
});
