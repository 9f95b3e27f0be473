import assert from "node:assert/strict";
import {
  DEFAULT_ZONEINFO_PATTERN,
  parseZoneinfo,
  PER_NODE_STATS,
  readZoneinfo,
  type Zoneinfo,
  zoneinfoPattern,
} from "../../../src/platform/procfs/zoneinfo.ts";
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

/** "node/zone/key=value" for compact comparisons. */
const flat = (info: Zoneinfo) => info.map((v) => `${v.node}/${v.zone}/${v.key}=${v.value}`);

Deno.test("parseZoneinfo with WCA's default pattern: 'key number' lines, per-node stats, pages free", () => {
  assert.deepEqual(flat(parseZoneinfo(REAL)), [
    "0/per-node-stats/nr_inactive_anon=987",
    "0/per-node-stats/nr_mapped=2687",
    "0/DMA/free=3840",
    "0/DMA/boost=0",
    "0/DMA/min=53",
    "0/DMA/spanned=4095",
    "0/DMA/nr_free_pages=3840",
    "0/DMA/numa_hit=0",
    "0/Movable/free=0",
    "0/Movable/min=32",
    "1/per-node-stats/nr_inactive_anon=5",
    "1/Normal/free=10",
    "1/Normal/nr_free_pages=10",
  ]);
  assert.equal(PER_NODE_STATS, "per-node-stats");
});

Deno.test("parseZoneinfo: table of headers, patterns and odd lines", () => {
  const table: Array<[string, string, RegExp | undefined, string[]]> = [
    ["empty", "", undefined, []],
    [
      "header with extra fields (patched kernels)",
      "Node 0, zone      DMA, toptier 1\n  pages free     7\n",
      undefined,
      ["0/DMA/free=7"],
    ],
    ["lines before any header are not data", "  pages free 1\n      nr_x 2\n", undefined, []],
    [
      "an unreadable header drops the lines under it until the next one",
      "Node x, zone DMA\n  pages free 1\nNode 1, zone Normal\n  pages free 2\n",
      undefined,
      ["1/Normal/free=2"],
    ],
    [
      "'key: value' lines do not match the default pattern",
      "Node 0, zone DMA\n  start_pfn: 1\n",
      undefined,
      [],
    ],
    [
      "a later value of the same key wins",
      "Node 0, zone DMA\n      nr_x 1\n      nr_x 2\n",
      undefined,
      ["0/DMA/nr_x=2"],
    ],
    [
      "a custom pattern matches at the start of the line (re.match), not anywhere",
      "Node 0, zone DMA\n        min      53\n      nr_free_pages 3840\n",
      zoneinfoPattern(String.raw`\s+(nr_\w+)\s+(\d+)`),
      ["0/DMA/nr_free_pages=3840"],
    ],
    [
      "a custom pattern can take 'key: value' lines",
      "Node 0, zone DMA\n  start_pfn:           1\n",
      zoneinfoPattern(String.raw`\s+(\w+):\s+(\d+)`),
      ["0/DMA/start_pfn=1"],
    ],
    [
      "Python named groups are understood",
      "Node 2, zone Normal\n      nr_y 9\n",
      zoneinfoPattern(String.raw`\s+(?P<key>[a-z_]+)\s+(?P<value>\d+)`),
      ["2/Normal/nr_y=9"],
    ],
  ];
  for (const [name, text, pattern, expected] of table) {
    const skipped: string[] = [];
    const info = parseZoneinfo(text, { pattern, onSkip: (m) => skipped.push(m) });
    assert.deepEqual(flat(info), expected, name);
  }
});

Deno.test("parseZoneinfo reports what it skips: a bad header, a value that is no number", () => {
  const skipped: string[] = [];
  const info = parseZoneinfo("Node x, zone DMA\nNode 0, zone DMA\n  min  12abc\n  low 1\n", {
    pattern: zoneinfoPattern(String.raw`\s+([a-z]+)\s+(\S+)`),
    source: "/proc/zoneinfo",
    onSkip: (m) => skipped.push(m),
  });
  assert.deepEqual(flat(info), ["0/DMA/low=1"]);
  assert.deepEqual(skipped, [
    `/proc/zoneinfo:1: skipped "Node x, zone DMA": expected "Node N, zone NAME"`,
    `/proc/zoneinfo:3: skipped "12abc" for min: not a number`,
  ]);
});

Deno.test("zoneinfoPattern: exactly two groups, else an error that says so", () => {
  assert.equal(zoneinfoPattern().source, `^(?:${DEFAULT_ZONEINFO_PATTERN})`);
  for (
    const [pattern, groups] of [[String.raw`\s+[a-z_]+\s+(\d+)`, 1], ["(a)(b)(c)", 3], ["x", 0]] as const
  ) {
    assert.throws(
      () => zoneinfoPattern(pattern),
      new RegExp(`exactly two groups \\(key, value\\).*; this one has ${groups}$`),
      pattern,
    );
  }
  assert.throws(() => zoneinfoPattern("(a"), SyntaxError);
  assert.equal(zoneinfoPattern("(?:x)(a)(b)").test("xab"), true, "non-capturing groups do not count");
});

Deno.test("readZoneinfo on fixtures: every online node has Normal zone values and node stats", () => {
  for (const scenario of SCENARIOS) {
    const paths = fixturePaths(scenario);
    const info = readZoneinfo(paths);
    for (const node of readOnlineNodes(paths)) {
      const of = (zone: string, key: string) =>
        info.find((v) => v.node === node && v.zone === zone && v.key === key);
      assert.ok(of("Normal", "free"), `${scenario} node ${node}`);
      assert.equal(of("Normal", "free")!.value, of("Normal", "nr_free_pages")!.value, scenario);
      assert.ok((of(PER_NODE_STATS, "nr_inactive_anon")?.value ?? -1) >= 0, `${scenario} node ${node}`);
    }
  }
});

Deno.test("real /proc/zoneinfo: every zone header gives a free value, every online node its stats", () => {
  const paths = defaultHostPaths();
  const text = Deno.readTextFileSync(`${paths.proc}/zoneinfo`);
  const skipped: string[] = [];
  const info = parseZoneinfo(text, { onSkip: (m) => skipped.push(m) });
  assert.deepEqual(skipped, []);
  const zones = text.split("\n").filter((l) => l.startsWith("Node ")).length;
  assert.equal(info.filter((v) => v.key === "free").length, zones);
  for (const node of readOnlineNodes(paths)) {
    assert.ok(info.some((v) => v.node === node && v.zone === PER_NODE_STATS), `node ${node}`);
  }
});
