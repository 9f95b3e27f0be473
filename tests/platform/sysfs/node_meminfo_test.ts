import assert from "node:assert/strict";
import { parseNodeMeminfo, readNodeMeminfo } from "../../../src/platform/sysfs/node_meminfo.ts";
import { PlatformParseError } from "../../../src/platform/parse.ts";
import { defaultHostPaths } from "../../../src/platform/host_paths.ts";
import { readOnlineNodes } from "../../../src/platform/sysfs/node_online.ts";
import { fixturePaths, SCENARIOS } from "../_helpers.ts";

const REAL = `Node 0 MemTotal:        4810964 kB
Node 0 MemFree:         4457408 kB
Node 0 MemUsed:          353556 kB
Node 0 Active(anon):       1520 kB
Node 0 HugePages_Total:     0
`;

Deno.test("parseNodeMeminfo: MemFree and MemUsed in bytes", () => {
  const info = parseNodeMeminfo(REAL);
  assert.equal(info.node, 0);
  assert.equal(info.memFreeBytes, 4457408 * 1024);
  assert.equal(info.memUsedBytes, 353556 * 1024);
  assert.equal(info.values["Active(anon)"], 1520 * 1024);
  assert.equal(info.values["HugePages_Total"], 0);
});

Deno.test("parseNodeMeminfo: empty and malformed input", () => {
  const table: Array<[string, RegExp]> = [
    ["", /^node\/meminfo: empty$/],
    ["Node 0 MemFree: 1 kB\n", /missing MemUsed/],
    ["Node 0 MemFree: 1 kB\nMemUsed: 2 kB\n", /^node\/meminfo:2: expected "Node N Key: value"/],
    ["Node 0 MemFree: 1 kB\nNode 1 MemUsed: 2 kB\n", /^node\/meminfo:2: node 1 in a file of node 0/],
    ["Node 0 MemFree: x kB\n", /^node\/meminfo:1: expected an integer for MemFree/],
  ];
  for (const [text, message] of table) {
    assert.throws(
      () => parseNodeMeminfo(text),
      (e: unknown) => e instanceof PlatformParseError && message.test(e.message),
      text,
    );
  }
});

Deno.test("readNodeMeminfo on fixtures and on this machine", () => {
  for (const scenario of SCENARIOS) {
    const paths = fixturePaths(scenario);
    const nodes = readOnlineNodes(paths);
    const infos = readNodeMeminfo(paths, nodes);
    assert.deepEqual([...infos.keys()], nodes, scenario);
    for (const info of infos.values()) assert.ok(info.memFreeBytes > 0 && info.memUsedBytes > 0, scenario);
  }
  assert.equal(readNodeMeminfo(fixturePaths("v1_split"), [0]).get(0)!.memFreeBytes, 4450664 * 1024);
  const real = defaultHostPaths();
  const infos = readNodeMeminfo(real, readOnlineNodes(real));
  for (const info of infos.values()) assert.ok(info.memFreeBytes > 0);
});

Deno.test("readNodeMeminfo refuses a file describing another node", () => {
  const root = Deno.makeTempDirSync({ prefix: "wca_node_" });
  try {
    Deno.mkdirSync(`${root}/devices/system/node/node1`, { recursive: true });
    Deno.writeTextFileSync(
      `${root}/devices/system/node/node1/meminfo`,
      "Node 0 MemFree: 1 kB\nNode 0 MemUsed: 1 kB\n",
    );
    assert.throws(
      () => readNodeMeminfo({ ...defaultHostPaths(), sys: root }, [1]),
      /node1\/meminfo:1: file describes node 0/,
    );
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});
