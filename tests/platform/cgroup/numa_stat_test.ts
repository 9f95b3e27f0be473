import assert from "node:assert/strict";
import {
  parseNumaStatLines,
  parseNumaStatV1,
  parseNumaStatV2,
} from "../../../src/platform/cgroup/numa_stat.ts";
import { PlatformParseError } from "../../../src/platform/parse.ts";

const V1 = `total=262144 N0=200000 N1=62144
file=62144 N0=50000 N1=12144
anon=200000 N0=150000 N1=50000
unevictable=0 N0=0 N1=0
hierarchical_total=524288 N0=400000 N1=124288
hierarchical_file=124288 N0=100000 N1=24288
`;

Deno.test("parseNumaStatV1 prefers hierarchical_total over total", () => {
  assert.deepEqual([...parseNumaStatV1(V1)], [[0, 400000], [1, 124288]]);
});

Deno.test("parseNumaStatV1 falls back to total on kernels without hierarchical_ lines", () => {
  assert.deepEqual([...parseNumaStatV1("total=25600 N0=21200 N1=4400\nfile=1200 N0=1200 N1=0\n")], [[
    0,
    21200,
  ], [1, 4400]]);
});

Deno.test("parseNumaStatV2 converts anon + file bytes to pages", () => {
  const text = "anon N0=1610612736 N1=536870912\nfile N0=134217728 N1=4096\nkernel_stack N0=32768 N1=49152\n";
  assert.deepEqual([...parseNumaStatV2(text, 4096)], [[0, (1610612736 + 134217728) / 4096], [
    1,
    536870912 / 4096 + 1,
  ]]);
  assert.deepEqual([...parseNumaStatV2("anon N0=65536\nfile N0=65536\n", 65536)], [[0, 2]]);
});

Deno.test("numa_stat: empty and malformed input", () => {
  const table: Array<[() => unknown, RegExp]> = [
    [() => parseNumaStatV1(""), /^memory.numa_stat: no hierarchical_total or total line$/],
    [() => parseNumaStatV2("", 4096), /^memory.numa_stat: no anon or file line$/],
    [() => parseNumaStatV2("anon N0=1\n", 4096), /no anon or file line/],
    [() => parseNumaStatV1("total=5 N0=x\n"), /^memory.numa_stat:1: expected an integer for total N0/],
    [
      () => parseNumaStatV1("total=5\nfile=1 node0=1\n"),
      /^memory.numa_stat:2: expected N<node>=<value>, got "node0=1"/,
    ],
  ];
  for (const [parse, message] of table) {
    assert.throws(
      parse,
      (e: unknown) => e instanceof PlatformParseError && message.test(e.message),
      String(message),
    );
  }
  assert.equal(parseNumaStatLines("\n\n", "f").size, 0);
});
